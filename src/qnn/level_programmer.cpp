#include "qnn/level_programmer.h"

#include <algorithm>
#include <cmath>

namespace mx {

namespace {

// The closed loop both systems program with: pulse toward `to` from where the device was
// last believed to be, read, stop on a read within `tolerance` levels of `to`.
template <typename Pulse, typename Read>
void verify_loop(double believed, unsigned to, unsigned max_pulses, double tolerance, Pulse&& pulse, Read&& read,
                 ProgramOutcome& outcome) {
  while (outcome.pulses() < max_pulses) {
    pulse(believed < to ? 1 : -1);
    believed = read();
    ++outcome.verify_reads;
    if (std::abs(believed - to) <= tolerance) {
      outcome.verified = true;
      return;
    }
  }
}

// One pulse on device k, counted.
void pulse_once(SynapseArray& array, size_t row, size_t col, unsigned k, int direction, Rng& rng,
                ProgramOutcome& outcome) {
  const PulseResult result = array.program(row, col, k, direction, rng);
  (result.set ? outcome.set_pulses : outcome.reset_pulses) += 1;
  outcome.ineffective_pulses += !result.applied;
}

}  // namespace

unsigned read_level(const SynapseArray& array, size_t row, size_t col, Rng& rng) {
  // The read returns a weight; invert the array's mapping back to a resistance and snap it
  // the way the device model does, so read noise and level boundaries are the device's.
  const double g = (array.read_weight(row, col, rng) + array.r_f() / array.r_b()) / array.r_f();
  if (!(g > 0)) return 0;
  return array.table().nearest_level(1.0 / g);
}

double level_position(const LevelTable& table, double r_ohm) {
  const unsigned level = table.nearest_level(r_ohm);
  if (table.size() < 2) return level;
  const double mean = table[level].r_ohm;
  // Toward higher conductance (lower resistance) the next level up sets the scale; beyond
  // an outermost level, the gap to its only neighbour does.
  const bool up = r_ohm <= mean;
  const unsigned top = static_cast<unsigned>(table.size() - 1);
  const unsigned neighbour = up ? (level < top ? level + 1 : level - 1) : (level > 0 ? level - 1 : level + 1);
  const double gap = std::abs(table[neighbour].r_ohm - mean);
  const double distance = std::abs(r_ohm - mean) / gap;
  return up ? level + distance : level - distance;
}

ProgramOutcome program_to_level(SynapseArray& array, size_t row, size_t col, unsigned from, unsigned to,
                                unsigned verify_max_pulses, Rng& rng) {
  ProgramOutcome outcome;
  auto pulse = [&](int direction) { pulse_once(array, row, col, 0, direction, rng, outcome); };
  if (from == to) return outcome;
  if (verify_max_pulses == 0) {
    const int direction = to > from ? 1 : -1;
    for (unsigned n = std::max(from, to) - std::min(from, to); n > 0; --n) pulse(direction);
    return outcome;
  }
  // The unit reads whole levels: on target means the read snaps to `to`.
  verify_loop(from, to, verify_max_pulses, 0.0, pulse, [&] { return double(read_level(array, row, col, rng)); },
              outcome);
  return outcome;
}

ProgramOutcome verified_write(SynapseArray& array, size_t row, size_t col, unsigned k, int direction,
                              const WriteVerify& verify, Rng& rng) {
  ProgramOutcome outcome;
  const LevelTable& table = array.table();
  auto read_r = [&] { return 1.0 / array.read_conductance(row, col, k, rng); };
  auto pulse = [&](int d) { pulse_once(array, row, col, k, d, rng, outcome); };
  const double r = read_r();
  ++outcome.verify_reads;
  const double before = level_position(table, r);
  const unsigned level = table.nearest_level(r), top = static_cast<unsigned>(table.size() - 1);
  const unsigned to = direction > 0 ? std::min(level + 1, top) : (level == 0 ? 0 : level - 1);
  if (to == level && std::abs(before - to) <= verify.tolerance) {
    outcome.verified = true;
    return outcome;
  }
  verify_loop(before, to, verify.max_pulses, verify.tolerance, pulse, [&] { return level_position(table, read_r()); },
              outcome);
  return outcome;
}

}  // namespace mx
