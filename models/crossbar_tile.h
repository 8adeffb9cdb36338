#pragma once
// A crossbar tile: a block of word lines x bit lines of one layer's memristor array, with its
// row drivers (DACs) and its column ADCs. `in` takes reads (the spiking rows of a time step)
// and leaves the converted partial column sums in partial(); `prog` takes write pulses.
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

class CrossbarTile : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<CrossbarTile> in;
  tlm_utils::simple_target_socket<CrossbarTile> prog;

  CrossbarTile(sc_core::sc_module_name name, const TilePlacement& placement, SynapseArray& array, const Adc& adc,
               ChipContext& context);

  const TilePlacement& placement() const { return placement_; }
  const float* partial() const { return partial_.data(); }
  uint64_t reads() const { return reads_; }
  uint64_t pulses() const { return pulses_; }

 private:
  void read(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  void program(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);

  const TilePlacement placement_;
  SynapseArray& array_;
  const Adc& adc_;
  ChipContext& context_;
  std::vector<float> partial_;
  uint64_t write_busy_until_ps_ = 0;  // one write driver per tile: pulses queue
  uint64_t reads_ = 0, pulses_ = 0;
  int tile_track_, adc_track_;
  ChromeTrace::NameId read_name_, convert_name_, set_name_, reset_name_;
};

}  // namespace mx
