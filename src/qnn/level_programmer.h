#pragma once
// Moving one device to a target level with write pulses (SPEC §2: "the device is
// reprogrammed only when the quantized level changes"). Every pulse is one
// SynapseArray::program call — one level up or down with cycle-to-cycle redraw — so the
// device physics (stuck devices, endurance, nonlinearity, read noise) all apply.
//
// Open loop (verify_max_pulses = 0): as many pulses as the level difference the unit
// believes in, no read. Program-and-verify: after each pulse the device is read (with read
// noise); the next pulse goes toward the target from what was read; it stops when a read
// is on target or after verify_max_pulses pulses in total. System B's digital unit and
// System A's write-verify (controller.write_verify) run the same loop.
#include <cstdint>

#include "common/random.h"
#include "device/synapse_array.h"

namespace mx {

struct ProgramOutcome {
  uint32_t set_pulses = 0, reset_pulses = 0;
  uint32_t ineffective_pulses = 0;  // stuck, worn out or failed (the device did not move)
  uint32_t verify_reads = 0;
  bool verified = false;  // a verify read saw the target level (always false open loop)
  uint32_t pulses() const { return set_pulses + reset_pulses; }
};

// System A's program-and-verify (controller.write_verify, verify_tolerance, verify_max_pulses).
struct WriteVerify {
  bool on = false;
  double tolerance = 0.5;  // levels; 0.5 = the read snaps to the target level
  unsigned max_pulses = 4;
};

// The level a controller read of the synapse snaps to (one device per synapse).
unsigned read_level(const SynapseArray& array, size_t row, size_t col, Rng& rng);

// Where resistance r lies on the table's scale of levels: i at level i's mean, i ± 0.5 on
// its boundaries with its neighbours (the midpoints nearest_level snaps at), linear in
// resistance between neighbouring means and beyond the outermost ones.
double level_position(const LevelTable& table, double r_ohm);

// Programs synapse (row, col) from level `from` (the unit's record) to `to`.
ProgramOutcome program_to_level(SynapseArray& array, size_t row, size_t col, unsigned from, unsigned to,
                                unsigned verify_max_pulses, Rng& rng);

// System A's verified write: device k of synapse (row, col) is read, its target is one level
// in `direction` from the level read (clamped at the table's ends), and it is pulsed toward
// the target and read again until a read lies within verify.tolerance levels of it, at most
// verify.max_pulses pulses. A device already within tolerance of a clamped target gets no
// pulse. The first read counts among verify_reads.
ProgramOutcome verified_write(SynapseArray& array, size_t row, size_t col, unsigned k, int direction,
                              const WriteVerify& verify, Rng& rng);

}  // namespace mx
