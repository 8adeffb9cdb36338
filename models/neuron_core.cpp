#include "models/neuron_core.h"

#include <cstring>

namespace mx {

NeuronCore::NeuronCore(sc_core::sc_module_name name, unsigned layer, SpikingNetwork& network,
                       std::vector<const CrossbarTile*> tiles, ChipContext& context)
    : sc_module(name), in("in"), layer_(layer), network_(network), tiles_(std::move(tiles)), context_(context) {
  in.register_b_transport(this, &NeuronCore::transport);
  size_t row_tiles = 0;
  for (const CrossbarTile* tile : tiles_) row_tiles = std::max(row_tiles, tile->placement().row_tile + 1);
  col_tiles_ = tiles_.size() / row_tiles;
  active_row_tiles_.assign(row_tiles, 0);
  track_ = context_.timeline.track("neuron core L" + std::to_string(layer));
  fire_name_ = context_.timeline.name("combine + fire");
  error_name_ = context_.timeline.name("error unit");
}

uint64_t NeuronCore::combine_and_fire(int t) {
  const size_t neurons = layer_ == 0 ? network_.hidden() : network_.outputs();
  float* drive = network_.drive_buffer(layer_);
  std::memset(drive, 0, neurons * sizeof(float));
  size_t contributions = 0;
  for (size_t r = 0; r < active_row_tiles_.size(); ++r) {
    if (!active_row_tiles_[r]) continue;
    ++contributions;
    for (size_t c = 0; c < col_tiles_; ++c) {
      const CrossbarTile& tile = *tiles_[r * col_tiles_ + c];
      const float* partial = tile.partial();
      float* out = drive + tile.placement().col_begin;
      const size_t width = tile.placement().col_end - tile.placement().col_begin;
      for (size_t j = 0; j < width; ++j) out[j] += partial[j];
    }
  }
  network_.update_neurons(layer_, t);
  const ChipCosts& c = context_.costs;
  context_.ledger.charge(context_.components.neuron_cores, Phase::inference,
                         c.neuron_update_aj * static_cast<int64_t>(neurons), neurons);
  // One add per contribution per neuron, then the neuron update, `lanes` neurons a cycle.
  return (contributions + 1) * c.core_ps(neurons);
}

uint64_t NeuronCore::run_error_unit() {
  const bool fired = network_.update_error();
  const ChipCosts& c = context_.costs;
  // Two error neurons per output every step; the compartments are updated only when an
  // error neuron fired (System A's compartments do not leak), at a neuron update's cost.
  const size_t error_neurons = 2 * network_.outputs();
  const size_t compartments = fired ? network_.hidden() + network_.outputs() : 0;
  context_.ledger.charge(context_.components.error_unit, Phase::learning,
                         c.neuron_update_aj * static_cast<int64_t>(error_neurons + compartments),
                         error_neurons + compartments);
  return c.core_ps(error_neurons) + c.core_ps(compartments);
}

void NeuronCore::transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  CoreOp& op = op_of<CoreOp>(payload);
  const uint64_t latency = op.kind == CoreOp::fire ? combine_and_fire(op.t) : run_error_unit();
  op.done_ps = op.start_ps + latency;
  context_.slice(track_, op.kind == CoreOp::fire ? fire_name_ : error_name_, op.start_ps, op.done_ps);
  delay += sc_core::sc_time::from_value(latency);
}

}  // namespace mx
