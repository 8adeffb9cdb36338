#pragma once
// A crossbar tile: a block of word lines x bit lines of one layer's memristor array, with its
// row drivers (DACs) and its column ADCs. `in` takes reads (the spiking rows of a time step)
// and leaves the converted partial column sums in partial(); `prog` takes write pulses.
// System B's AnalogTile has the same array, converters and write driver behind multi-bit
// reads and level programming.
// The arithmetic is the kernels' (tile_partial_sums, apply_pulse); this module adds the
// time and energy of doing it.
#include <systemc>
#include <tlm_utils/simple_target_socket.h>

#include "chip/floorplan.h"
#include "device/synapse_array.h"
#include "hw/converters.h"
#include "models/chip_context.h"
#include "models/chip_ops.h"

namespace mx {

// What every tile has, whichever chip it sits in: its part of the array, its ADCs, one write
// driver, and the accounting of reads and writes.
class TileBlock : public sc_core::sc_module {
 public:
  const TilePlacement& placement() const { return placement_; }
  const float* partial() const { return partial_.data(); }
  uint64_t reads() const { return reads_; }
  uint64_t pulses() const { return pulses_; }

 protected:
  TileBlock(sc_core::sc_module_name name, const TilePlacement& placement, SynapseArray& array, const Adc& adc,
            ChipContext& context);
  // Charges a read of `driven` lines sensed on `sensed` lines; returns when it is converted.
  uint64_t account_read(size_t driven, size_t sensed, Phase phase, uint64_t start_ps);
  // Queues `latency` on the tile's one write driver from `start_ps`; returns when it is done.
  uint64_t occupy_write_driver(uint64_t start_ps, uint64_t latency, ChromeTrace::NameId name);

  const TilePlacement placement_;
  SynapseArray& array_;
  const Adc& adc_;
  ChipContext& context_;
  std::vector<float> partial_;
  uint64_t write_busy_until_ps_ = 0;  // one write driver per tile: pulses queue
  uint64_t reads_ = 0, pulses_ = 0;
  int tile_track_, adc_track_;
  ChromeTrace::NameId read_name_, convert_name_;
};

// System A's tile: `in` reads the spiking rows of a time step, `prog` takes single pulses.
class CrossbarTile : public TileBlock {
 public:
  tlm_utils::simple_target_socket<CrossbarTile> in;
  tlm_utils::simple_target_socket<CrossbarTile> prog;

  CrossbarTile(sc_core::sc_module_name name, const TilePlacement& placement, SynapseArray& array, const Adc& adc,
               ChipContext& context);

 private:
  void read(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  void program(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);

  ChromeTrace::NameId set_name_, reset_name_;
};

// System B's tile: `analog` takes multi-bit reads, forward or transposed; `reprogram` moves a
// device to a new level (open loop or program-and-verify).
class AnalogTile : public TileBlock {
 public:
  tlm_utils::simple_target_socket<AnalogTile> analog;
  tlm_utils::simple_target_socket<AnalogTile> reprogram;

  AnalogTile(sc_core::sc_module_name name, const TilePlacement& placement, SynapseArray& array, const Adc& adc,
             ChipContext& context);

 private:
  void analog_read(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  void reprogram_device(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);

  ChromeTrace::NameId program_name_;
};

}  // namespace mx
