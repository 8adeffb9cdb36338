#include "models/chip_top.h"

#include "chip/chip_costs.h"
#include "config/config.h"
#include "learning/prob_metaplasticity.h"

namespace mx {

namespace {

std::unique_ptr<ChipContext> make_context(const Config& config, SpikingNetwork& network, const Floorplan& plan) {
  const Tech tech = load_tech(config);
  // The gate's RNG sets the draw cost. The ideal generator stands for the paper's floats; a
  // chip still needs a generator for it, so it is costed as the reference on-chip one: an
  // LFSR of rng.lfsr_width giving rng.bits per draw.
  HwRngSpec costed = gate_spec(config).rng;
  if (costed.kind == RngKind::ideal) costed.kind = RngKind::lfsr;
  const HwRng probe(costed, 1);
  return std::make_unique<ChipContext>(
      make_chip_costs(config, tech, probe, network.array(0).n_mem(), plan.mesh_width, plan.mesh_height));
}

}  // namespace

ChipTop::ChipTop(sc_core::sc_module_name name, const Config& config, SpikingNetwork& network)
    : ChipBase(name, config, plan_chip(config, network.array(0), network.array(1)),
               [&](const Floorplan& plan) { return make_context(config, network, plan); }),
      tiles("tiles"),
      cores("cores"),
      mesh("mesh"),
      controller("controller"),
      network_(network),
      step_signal_("step"),
      input_spikes_signal_("input_spikes"),
      hidden_spikes_signal_("hidden_spikes"),
      output_spikes_signal_("output_spikes"),
      pulses_signal_("pulses") {
  ChipContext& context = *context_;
  std::vector<const CrossbarTile*> layer_tiles[2];
  for (const TilePlacement& placement : floorplan_.tiles) {
    const std::string block = "tile_L" + std::to_string(placement.layer) + "_r" + std::to_string(placement.row_tile) +
                              "_c" + std::to_string(placement.col_tile);
    tile_blocks_.push_back(std::make_unique<CrossbarTile>(block.c_str(), placement, network.array(placement.layer),
                                                          network.reader(placement.layer).adc(), context));
    layer_tiles[placement.layer].push_back(tile_blocks_.back().get());
    tiles.bind(tile_blocks_.back()->in);
  }
  mesh_block_ = std::make_unique<SpikeMesh>("mesh_block", context.costs.mesh, context);
  mesh.bind(mesh_block_->in);
  for (unsigned layer = 0; layer < 2; ++layer) {
    core_blocks_[layer] = std::make_unique<NeuronCore>(("core_L" + std::to_string(layer)).c_str(), layer, network,
                                                       layer_tiles[layer], context);
    cores.bind(core_blocks_[layer]->in);
  }
  rng_block_ = std::make_unique<RngBlock>("rng", context);
  m_sram_block_ = std::make_unique<SramBank>("m", context.components.sram_m, context);
  acc_sram_block_ = std::make_unique<SramBank>("accumulators", context.components.sram_acc, context);
  controller_block_ = std::make_unique<LearningController>("learning_controller", network, floorplan_, context);
  controller.bind(controller_block_->in);
  controller_block_->rng.bind(rng_block_->in);
  controller_block_->m_sram.bind(m_sram_block_->in);
  controller_block_->acc_sram.bind(acc_sram_block_->in);
  for (auto& tile : tile_blocks_) controller_block_->prog.bind(tile->prog);

}

void ChipTop::trace_signals(sc_core::sc_trace_file* file) {
  sc_core::sc_trace(file, step_signal_, "step");
  sc_core::sc_trace(file, input_spikes_signal_, "input_spikes");
  sc_core::sc_trace(file, hidden_spikes_signal_, "hidden_spikes");
  sc_core::sc_trace(file, output_spikes_signal_, "output_spikes");
  sc_core::sc_trace(file, pulses_signal_, "pulses");
}

SampleResult ChipTop::simulate_sample(const uint8_t* image, const std::vector<uint16_t>& permutation, int target) {
  const uint64_t pulses_before = network_.rule().activity().pulses();
  network_.begin_sample(image, permutation, target);
  for (int t = 0; t < network_.steps(); ++t) {
    run_step(t);
    if (tracing_waveforms()) {
      // Waveforms need the kernel at each step's time: sync every step (slow, opt-in).
      step_signal_.write(static_cast<uint32_t>(t));
      input_spikes_signal_.write(static_cast<uint32_t>(network_.spikes(0).size()));
      hidden_spikes_signal_.write(static_cast<uint32_t>(network_.spikes(1).size()));
      output_spikes_signal_.write(static_cast<uint32_t>(network_.spikes(2).size()));
      pulses_signal_.write(static_cast<uint32_t>(network_.rule().activity().pulses() - pulses_before));
      sync_to_chip_time();
    }
  }
  SampleResult result;
  now_ps_ = learn_op(LearnOp::end_sample, 1, now_ps_, &result);
  return result;
}

uint64_t ChipTop::core_op(unsigned layer, CoreOp::Kind kind, int t, uint64_t start_ps) {
  core_op_.kind = kind;
  core_op_.t = t;
  core_op_.start_ps = start_ps;
  transact(cores[static_cast<int>(layer)], payload_, core_op_);
  return core_op_.done_ps;
}

uint64_t ChipTop::learn_op(LearnOp::Kind kind, unsigned layer, uint64_t start_ps, SampleResult* result) {
  learn_op_.kind = kind;
  learn_op_.layer = layer;
  learn_op_.start_ps = start_ps;
  learn_op_.result = result;
  transact(controller, payload_, learn_op_);
  return learn_op_.done_ps;
}

uint64_t ChipTop::forward_layer(unsigned layer, int t, uint64_t ready_ps) {
  const std::vector<uint32_t>& spikes = network_.spikes(layer);
  const unsigned source = layer == 0 ? floorplan_.io_router : floorplan_.core_router[0];
  const size_t rows = layer == 0 ? network_.inputs() : network_.hidden();
  std::vector<uint8_t>& active = core_blocks_[layer]->active_row_tiles();
  spike_bursts_.clear();
  reads_.clear();
  for (size_t r = 0; r < floorplan_.row_tiles[layer]; ++r) {
    const auto range = spikes_in_row_tile(spikes, floorplan_.grid, rows, r);
    const uint64_t count = static_cast<uint64_t>(range.second - range.first);
    active[r] = count > 0;
    if (!count) continue;
    for (size_t c = 0; c < floorplan_.col_tiles[layer]; ++c) {
      const size_t tile = floorplan_.tile_index(layer, r, c);
      spike_bursts_.push_back({source, floorplan_.tiles[tile].router, count, ready_ps, 0});
      reads_.push_back({tile, range});
    }
  }
  send_bursts(mesh, payload_, mesh_op_, spike_bursts_, Phase::inference);
  partial_bursts_.clear();
  for (size_t k = 0; k < reads_.size(); ++k) {
    const size_t tile = reads_[k].first;
    read_op_.rows_begin = reads_[k].second.first;
    read_op_.rows_end = reads_[k].second.second;
    read_op_.start_ps = spike_bursts_[k].arrival_ps;
    transact(tiles[static_cast<int>(tile)], payload_, read_op_);
    const TilePlacement& placement = floorplan_.tiles[tile];
    partial_bursts_.push_back({placement.router, floorplan_.core_router[layer],
                               context_->costs.partial_sum_packets(placement.col_end - placement.col_begin),
                               read_op_.done_ps, 0});
  }
  const uint64_t arrived = std::max(ready_ps, send_bursts(mesh, payload_, mesh_op_, partial_bursts_, Phase::inference));
  return core_op(layer, CoreOp::fire, t, arrived);
}

void ChipTop::run_step(int t) {
  network_.encode_inputs();
  uint64_t ready = now_ps_;
  for (unsigned layer = 0; layer < 2; ++layer) ready = forward_layer(layer, t, ready);
  if (network_.training()) {
    ready = core_op(1, CoreOp::error, t, ready);
    for (unsigned layer = 0; layer < 2; ++layer) ready = learn_op(LearnOp::decide_and_program, layer, ready);
  }
  now_ps_ = ready;
}

}  // namespace mx
