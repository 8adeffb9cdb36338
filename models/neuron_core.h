#pragma once
// A neuron core: it serves a contiguous range of one layer's neurons (chip.cores_per_layer
// split a layer evenly). It adds the converted partial sums of the layer's tiles that cover
// its neurons (digitally, in row-tile order) into each neuron's input, and steps its
// neurons; the output layer's first core also runs the error unit (error neurons and error
// compartments).
//
// The LIF kernel steps a whole population at once, so the layer's last core runs it when
// every core has combined its inputs: the neuron update is element-wise, so this is the
// same arithmetic the cores would do on their own ranges; each core is timed and charged
// for its own neurons.
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

  // `tiles`: this layer's tiles, row tile by row tile; neurons [begin, end) of the layer;
  // every core steps its own neurons' LIF state; `closes_layer`: this is the layer's last core,
  // which closes the layer's step (spike counts, eligibility traces).
  NeuronCore(sc_core::sc_module_name name, unsigned layer, SpikingNetwork& network,
             std::vector<const CrossbarTile*> tiles, ChipContext& context, size_t begin, size_t end,
             bool closes_layer);
  NeuronCore(sc_core::sc_module_name name, unsigned layer, SpikingNetwork& network,
             std::vector<const CrossbarTile*> tiles, ChipContext& context);

  // Row tiles whose partial sums count this step (the others were idle and contribute 0).
  std::vector<uint8_t>& active_row_tiles() { return active_row_tiles_; }
  size_t begin() const { return begin_; }
  size_t end() const { return end_; }

 private:
  void transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  uint64_t combine_and_fire(int t);
  uint64_t run_error_unit();

  unsigned layer_;
  SpikingNetwork& network_;
  std::vector<const CrossbarTile*> tiles_;
  size_t col_tiles_;
  ChipContext& context_;
  BlockRecord& record_;
  Resource datapath_;
  size_t begin_, end_;
  bool closes_layer_;
  std::vector<uint8_t> active_row_tiles_;
  int track_;
  ChromeTrace::NameId fire_name_, error_name_;
};

}  // namespace mx
