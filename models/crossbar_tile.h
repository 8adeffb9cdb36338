#pragma once
// A crossbar tile: a block of word lines x bit lines of one layer's memristor array, with its
// row drivers (DACs), its column ADCs and `tile.write_drivers` write drivers. `in` takes reads
// (the spiking rows of a time step) and leaves the converted partial column sums in the
// tile (a debug read through transport_dbg copies them out); `prog` takes the controller's
// pulse spans and weight reads. System B's AnalogTile has the same array, converters and
// write drivers behind multi-bit reads and level programming.
// The arithmetic is the kernels' (tile_partial_sums, apply_pulse); this module adds the
// time and energy of doing it.
#include <systemc>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "chip/floorplan.h"
#include "device/synapse_array.h"
#include "hw/converters.h"
#include "models/chip_context.h"
#include "models/chip_ops.h"

namespace mx {

// The chip-wide limit on write pulses in flight (chip.write_budget): `slots` pulses at once,
// each taking the slot that frees first. No slots: unlimited.
class WriteBudget {
 public:
  explicit WriteBudget(unsigned slots) : slots_(slots) {}
  bool limited() const { return !slots_.empty(); }
  // The earliest slot, and when it frees.
  Resource& earliest() {
    Resource* best = &slots_.front();
    for (Resource& slot : slots_)
      if (slot.busy_until() < best->busy_until()) best = &slot;
    return *best;
  }

 private:
  std::vector<Resource> slots_;
};

// What every tile has, whichever chip it sits in: its part of the array, its ADCs, its write
// drivers, and the accounting of reads and writes.
class TileBlock : public sc_core::sc_module {
 public:
  const TilePlacement& placement() const { return placement_; }
  // The converted sums of the last read (the neuron core's digital input).
  const float* partial() const { return partial_.data(); }
  uint64_t reads() const { return reads_; }
  uint64_t pulses() const { return pulses_; }
  // When the last programming transaction's last pulse finished (chip time).
  uint64_t last_program_done_ps() const { return last_program_done_ps_; }

 protected:
  TileBlock(sc_core::sc_module_name name, const TilePlacement& placement, SynapseArray& array, const Adc& adc,
            ChipContext& context, unsigned write_drivers, WriteBudget* budget);
  // Charges a read of `driven` lines sensed on `sensed` lines from `ready`; returns when
  // it is converted.
  uint64_t account_read(size_t driven, size_t sensed, Phase phase, uint64_t ready_ps);
  // Takes the write driver (and budget slot) that frees first for `latency`; returns when done.
  uint64_t occupy_write_driver(uint64_t ready_ps, uint64_t latency, ChromeTrace::NameId name);
  // Charges the pulses and verify reads of one write (either system's level programmer).
  void charge_program(const ProgramOutcome& outcome);
  // A debug peek: the last partial sums, as floats, into the payload's data.
  unsigned debug_partials(tlm::tlm_generic_payload& payload);

  const TilePlacement placement_;
  SynapseArray& array_;
  const Adc& adc_;
  ChipContext& context_;
  BlockRecord& record_;
  std::vector<float> partial_;
  Resource read_path_;              // drive, settle, convert: one read at a time
  std::vector<Resource> drivers_;   // tile.write_drivers
  WriteBudget* budget_;
  uint64_t reads_ = 0, pulses_ = 0, last_program_done_ps_ = 0;
  int tile_track_, adc_track_;
  ChromeTrace::NameId read_name_, convert_name_;
};

// System A's tile: `in` reads the spiking rows of a time step, `prog` takes pulse spans and
// the controller's weight reads.
class CrossbarTile : public TileBlock {
 public:
  tlm_utils::simple_target_socket<CrossbarTile> in;
  tlm_utils::multi_passthrough_target_socket<CrossbarTile> prog;  // one binding per controller

  CrossbarTile(sc_core::sc_module_name name, const TilePlacement& placement, SynapseArray& array, const Adc& adc,
               ChipContext& context, unsigned write_drivers = 1, WriteBudget* budget = nullptr);

 private:
  void read(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  void program(int from, tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  unsigned peek(tlm::tlm_generic_payload& payload) { return debug_partials(payload); }

  ChromeTrace::NameId set_name_, reset_name_, weight_read_name_;
};

// System B's tile: `analog` takes multi-bit reads, forward or transposed; `reprogram` moves a
// device to a new level (open loop or program-and-verify).
class AnalogTile : public TileBlock {
 public:
  tlm_utils::simple_target_socket<AnalogTile> analog;
  tlm_utils::simple_target_socket<AnalogTile> reprogram;

  AnalogTile(sc_core::sc_module_name name, const TilePlacement& placement, SynapseArray& array, const Adc& adc,
             ChipContext& context, unsigned write_drivers = 1, WriteBudget* budget = nullptr);

 private:
  void analog_read(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  void reprogram_device(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  unsigned peek(tlm::tlm_generic_payload& payload) { return debug_partials(payload); }

  ChromeTrace::NameId program_name_;
};

}  // namespace mx
