#include "qnn/level_programmer.h"

#include <algorithm>

namespace mx {

unsigned read_level(const SynapseArray& array, size_t row, size_t col, Rng& rng) {
  // The read returns a weight; invert the array's mapping back to a resistance and snap it
  // the way the device model does, so read noise and level boundaries are the device's.
  const double g = (array.read_weight(row, col, rng) + array.r_f() / array.r_b()) / array.r_f();
  if (!(g > 0)) return 0;
  return array.table().nearest_level(1.0 / g);
}

ProgramOutcome program_to_level(SynapseArray& array, size_t row, size_t col, unsigned from, unsigned to,
                                unsigned verify_max_pulses, Rng& rng) {
  ProgramOutcome outcome;
  auto pulse = [&](int direction) {
    const PulseResult result = array.program(row, col, 0, direction, rng);
    (result.set ? outcome.set_pulses : outcome.reset_pulses) += 1;
    outcome.ineffective_pulses += !result.applied;
  };
  if (from == to) return outcome;
  if (verify_max_pulses == 0) {
    const int direction = to > from ? 1 : -1;
    for (unsigned n = std::max(from, to) - std::min(from, to); n > 0; --n) pulse(direction);
    return outcome;
  }
  unsigned believed = from;
  while (outcome.pulses() < verify_max_pulses) {
    pulse(to > believed ? 1 : -1);
    believed = read_level(array, row, col, rng);
    ++outcome.verify_reads;
    if (believed == to) {
      outcome.verified = true;
      break;
    }
  }
  return outcome;
}

}  // namespace mx
