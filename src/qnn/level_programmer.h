#pragma once
// Moving one device to a target level with write pulses (SPEC §2: "the device is
// reprogrammed only when the quantized level changes"). Every pulse is one
// SynapseArray::program call — one level up or down with cycle-to-cycle redraw — so the
// device physics (stuck devices, endurance, nonlinearity, read noise) all apply.
//
// Open loop (verify_max_pulses = 0): as many pulses as the level difference the unit
// believes in, no read. Program-and-verify: after each pulse the device is read (with read
// noise) and snapped to a level; the next pulse goes toward the target from what was read;
// it stops when the read says "target" or after verify_max_pulses pulses in total.
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

// The level a controller read of the synapse snaps to (one device per synapse).
unsigned read_level(const SynapseArray& array, size_t row, size_t col, Rng& rng);

// Programs synapse (row, col) from level `from` (the unit's record) to `to`.
ProgramOutcome program_to_level(SynapseArray& array, size_t row, size_t col, unsigned from, unsigned to,
                                unsigned verify_max_pulses, Rng& rng);

}  // namespace mx
