#include "models/neuron_core.h"

#include <algorithm>
#include <cstring>

namespace mx {

NeuronCore::NeuronCore(sc_core::sc_module_name name, unsigned layer, SpikingNetwork& network,
                       std::vector<const CrossbarTile*> tiles, ChipContext& context)
    : NeuronCore(name, layer, network, std::move(tiles), context, 0,
                 layer == 0 ? network.hidden() : network.outputs(), true) {}

NeuronCore::NeuronCore(sc_core::sc_module_name name, unsigned layer, SpikingNetwork& network,
                       std::vector<const CrossbarTile*> tiles, ChipContext& context, size_t begin, size_t end,
                       bool closes_layer)
    : sc_module(name),
      in("in"),
      layer_(layer),
      network_(network),
      tiles_(std::move(tiles)),
      context_(context),
      record_(context.add_block(this->name(), "neuron_core", static_cast<int>(layer))),
      begin_(begin),
      end_(end),
      closes_layer_(closes_layer) {
  in.register_b_transport(this, &NeuronCore::transport);
  datapath_.attach(&record_);
  size_t row_tiles = 0;
  for (const CrossbarTile* tile : tiles_) row_tiles = std::max(row_tiles, tile->placement().row_tile + 1);
  col_tiles_ = tiles_.size() / row_tiles;
  active_row_tiles_.assign(row_tiles, 0);
  track_ = context_.timeline.track(std::string("neuron core ") + basename());
  fire_name_ = context_.timeline.name("combine + fire");
  error_name_ = context_.timeline.name("error unit");
}

uint64_t NeuronCore::combine_and_fire(int t) {
  const size_t neurons = end_ - begin_;
  float* drive = network_.drive_buffer(layer_);
  std::fill(drive + begin_, drive + end_, 0.0f);
  size_t contributions = 0;
  for (size_t r = 0; r < active_row_tiles_.size(); ++r) {
    if (!active_row_tiles_[r]) continue;
    ++contributions;
    for (size_t c = 0; c < col_tiles_; ++c) {
      const CrossbarTile& tile = *tiles_[r * col_tiles_ + c];
      const size_t lo = std::max(begin_, tile.placement().col_begin), hi = std::min(end_, tile.placement().col_end);
      const float* partial = tile.partial() + (lo - tile.placement().col_begin);
      for (size_t j = lo; j < hi; ++j) drive[j] += partial[j - lo];
    }
  }
  // The cores of a layer fire in order (ChipTop::forward_layer), each stepping its own neurons.
  if (begin_ == 0) network_.begin_neuron_step(layer_, t);
  network_.step_neurons(layer_, begin_, end_);
  if (closes_layer_) network_.finish_neuron_step(layer_);
  const ChipCosts& c = context_.costs;
  context_.charge(record_, context_.components.neuron_cores, Phase::inference,
                  c.neuron_update_aj * static_cast<int64_t>(neurons), neurons);
  const uint64_t additions = contributions * neurons;
  if (additions)
    context_.charge(record_, context_.components.neuron_cores, Phase::inference,
                    c.partial_add_aj * static_cast<int64_t>(additions), additions);
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
  context_.charge(record_, context_.components.error_unit, Phase::learning,
                  c.neuron_update_aj * static_cast<int64_t>(error_neurons + compartments),
                  error_neurons + compartments);
  return c.core_ps(error_neurons) + c.core_ps(compartments);
}

void NeuronCore::transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  const CoreOp* op = request_of<CoreOp>(payload);
  if (!op) return;
  const uint64_t latency = op->kind == CoreOp::fire ? combine_and_fire(op->t) : run_error_unit();
  const uint64_t done = datapath_.reserve(chip_ps_of(delay), latency);
  context_.slice(track_, op->kind == CoreOp::fire ? fire_name_ : error_name_, datapath_.start(), done);
  respond(payload, delay, done);
}

}  // namespace mx
