#pragma once
// A neuron core: it combines the converted partial sums of a layer's tiles (digitally, in
// row-tile order) into each neuron's input and steps the layer's LIF neurons; the output
// layer's core also runs the error unit (error neurons and error compartments).
#include <systemc>
#include <tlm_utils/simple_target_socket.h>

#include "models/chip_context.h"
#include "models/chip_ops.h"
#include "models/crossbar_tile.h"
#include "snn/network.h"

namespace mx {

class NeuronCore : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<NeuronCore> in;

  // `tiles`: this layer's tiles, row tile by row tile.
  NeuronCore(sc_core::sc_module_name name, unsigned layer, SpikingNetwork& network,
             std::vector<const CrossbarTile*> tiles, ChipContext& context);

  // Row tiles whose partial sums count this step (the others were idle and contribute 0).
  std::vector<uint8_t>& active_row_tiles() { return active_row_tiles_; }

 private:
  void transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  uint64_t combine_and_fire(int t);
  uint64_t run_error_unit();

  unsigned layer_;
  SpikingNetwork& network_;
  std::vector<const CrossbarTile*> tiles_;
  size_t col_tiles_;
  ChipContext& context_;
  std::vector<uint8_t> active_row_tiles_;
  int track_;
  ChromeTrace::NameId fire_name_, error_name_;
};

}  // namespace mx
