#include "models/chip_top.h"

#include <algorithm>

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

std::string tile_name(const TilePlacement& p) {
  return "tile_L" + std::to_string(p.layer) + "_r" + std::to_string(p.row_tile) + "_c" + std::to_string(p.col_tile);
}

}  // namespace

ChipTop::ChipTop(sc_core::sc_module_name name, const Config& config, SpikingNetwork& network,
                 const ProgBinder& bind_prog)
    : ChipBase(name, config, plan_chip(config, network.array(0), network.array(1)),
               [&](const Floorplan& plan) { return make_context(config, network, plan); }),
      tiles("tiles"),
      cores("cores"),
      mesh("mesh"),
      controllers("controllers"),
      network_(network),
      description_(chip_description(config)),
      step_signal_("step"),
      input_spikes_signal_("input_spikes"),
      hidden_spikes_signal_("hidden_spikes"),
      output_spikes_signal_("output_spikes"),
      pulses_signal_("pulses") {
  ChipContext& context = *context_;
  const ChipDescription& d = description_;
  budget_ = std::make_unique<WriteBudget>(d.write_budget);
  std::vector<const CrossbarTile*> layer_tiles[2];
  for (const TilePlacement& placement : floorplan_.tiles) {
    tile_blocks_.push_back(std::make_unique<CrossbarTile>(tile_name(placement).c_str(), placement,
                                                          network.array(placement.layer),
                                                          network.reader(placement.layer).adc(), context,
                                                          d.write_drivers, budget_.get()));
    layer_tiles[placement.layer].push_back(tile_blocks_.back().get());
    tiles.bind(tile_blocks_.back()->in);
  }
  mesh_block_ = std::make_unique<SpikeMesh>("mesh_block", context.costs.mesh, context);
  mesh.bind(mesh_block_->in);

  // Neuron cores: a layer's neurons split evenly (no more cores than neurons).
  for (unsigned layer = 0; layer < 2; ++layer) {
    const size_t neurons = layer == 0 ? network.hidden() : network.outputs();
    const size_t count = std::min<size_t>(d.cores_per_layer, neurons);
    first_core_[layer] = core_blocks_.size();
    core_count_[layer] = count;
    for (size_t k = 0; k < count; ++k) {
      const std::string block = "core_L" + std::to_string(layer) + (count > 1 ? "_" + std::to_string(k) : "");
      core_blocks_.push_back(std::make_unique<NeuronCore>(block.c_str(), layer, network, layer_tiles[layer], context,
                                                          k * neurons / count, (k + 1) * neurons / count,
                                                          k + 1 == count));
      core_routers_.push_back(
          core_router(floorplan_, layer, static_cast<unsigned>(k), static_cast<unsigned>(count)));
      cores.bind(core_blocks_.back()->in);
    }
  }

  plan_partial_routes();

  // Learning controllers and whom they serve.
  const size_t tile_count = floorplan_.tiles.size();
  controller_of_tile_.assign(tile_count, 0);
  std::vector<std::vector<size_t>> served;
  std::vector<unsigned> routers;
  std::vector<int> layers;
  switch (d.controllers) {
    case ControllerPlacement::chip:
      served.emplace_back();
      for (size_t i = 0; i < tile_count; ++i) served[0].push_back(i);
      routers.push_back(floorplan_.controller_router);
      layers.push_back(-1);
      break;
    case ControllerPlacement::layer:
      for (unsigned layer = 0; layer < 2; ++layer) {
        served.emplace_back();
        for (size_t i = 0; i < tile_count; ++i)
          if (floorplan_.tiles[i].layer == layer) served.back().push_back(i);
        routers.push_back(floorplan_.core_router[layer]);
        layers.push_back(static_cast<int>(layer));
      }
      break;
    case ControllerPlacement::tile:
      for (size_t i = 0; i < tile_count; ++i) {
        served.push_back({i});
        routers.push_back(floorplan_.tiles[i].router);
        layers.push_back(static_cast<int>(floorplan_.tiles[i].layer));
      }
      break;
  }
  const bool rng_per_tile = d.rngs == RngPlacement::tile;
  if (rng_per_tile) {
    for (const TilePlacement& placement : floorplan_.tiles)
      rng_blocks_.push_back(std::make_unique<RngBlock>(("rng_" + tile_name(placement)).c_str(), context,
                                                       d.draws_per_cycle, static_cast<int>(placement.layer)));
  } else {
    // The rule's one stream: one generator, beside the chip's (first) controller.
    rng_blocks_.push_back(std::make_unique<RngBlock>("rng", context, d.draws_per_cycle));
  }
  if (GateBank* gates = network.rule().gates()) {
    if (gates->size() != rng_blocks_.size())
      throw Error("chip: the rule's gate has " + std::to_string(gates->size()) + " generators for " +
                  std::to_string(rng_blocks_.size()) + " RNG blocks (chip.rngs = \"" +
                  (rng_per_tile ? "tile" : "controller") + "\")");
    for (size_t i = 0; i < rng_blocks_.size(); ++i) rng_blocks_[i]->hold(*gates, i);
  }
  // The controllers' SRAMs first (every controller reaches every m SRAM: a grown cell is
  // written at its home), then the slices of the rule's state they hold, then the controllers.
  for (size_t k = 0; k < served.size(); ++k) {
    const std::string suffix = served.size() > 1 ? "_" + std::to_string(k) : "";
    m_sram_blocks_.push_back(
        std::make_unique<SramBank>(("m" + suffix).c_str(), context.components.sram_m, context, d.sram_banks, layers[k]));
    acc_sram_blocks_.push_back(std::make_unique<SramBank>(("accumulators" + suffix).c_str(),
                                                          context.components.sram_acc, context, d.sram_banks,
                                                          layers[k]));
    for (size_t tile : served[k]) {
      controller_of_tile_[tile] = k;
      const unsigned layer = floorplan_.tiles[tile].layer;
      if (std::find(layer_controllers_[layer].begin(), layer_controllers_[layer].end(), k) ==
          layer_controllers_[layer].end())
        layer_controllers_[layer].push_back(k);
    }
  }
  // A store split per tile lends tile t's slice to t's controller's SRAM; a whole-layer one
  // lends its one slice to the layer's controller's.
  LearningRule& rule = network.rule();
  for (unsigned layer = 0; layer < 2; ++layer) {
    const size_t first = floorplan_.first_tile[layer], count = floorplan_.row_tiles[layer] * floorplan_.col_tiles[layer];
    auto lend = [&](SlicedState* store, std::vector<std::unique_ptr<SramBank>>& blocks, const char* what) {
      if (!store) return;
      if (store->slices() != 1 && store->slices() != count)
        throw Error(std::string("chip: the rule's ") + what + " of layer " + std::to_string(layer) + " is in " +
                    std::to_string(store->slices()) + " slices for " + std::to_string(count) + " tiles");
      for (size_t s = 0; s < store->slices(); ++s)
        blocks[store->slices() == 1 ? layer_controllers_[layer].front() : controller_of_tile_[first + s]]->hold(*store,
                                                                                                                 s);
    };
    lend(rule.m_store(layer), m_sram_blocks_, "m");
    lend(rule.accumulator_store(layer), acc_sram_blocks_, "accumulators");
  }
  for (size_t k = 0; k < served.size(); ++k) {
    const std::string suffix = served.size() > 1 ? "_" + std::to_string(k) : "";
    controller_blocks_.push_back(std::make_unique<LearningController>(
        ("learning_controller" + suffix).c_str(), network, floorplan_, context, served[k], routers[k], rng_per_tile,
        layers[k], k, controller_of_tile_));
    LearningController& controller = *controller_blocks_.back();
    controllers.bind(controller.in);
    for (auto& rng : rng_blocks_) controller.rng.bind(rng->in);
    for (auto& m : m_sram_blocks_) controller.m_sram.bind(m->in);
    controller.acc_sram.bind(acc_sram_blocks_[k]->in);
    controller.mesh.bind(mesh_block_->in);
    for (size_t i = 0; i < tile_count; ++i) {
      if (bind_prog) bind_prog(controller, i, *tile_blocks_[i]);
      else controller.prog.bind(tile_blocks_[i]->prog);
    }
  }
  const size_t rows[2] = {network.inputs(), network.hidden()}, cols[2] = {network.hidden(), network.outputs()};
  network.rule().track_tiles(floorplan_.grid, rows, cols);
  fired_.resize(core_blocks_.size());
  core_arrival_.resize(core_blocks_.size());
  tile_arrival_.resize(tile_count);
  row_spikes_.resize(std::max(floorplan_.row_tiles[0], floorplan_.row_tiles[1]));
}

void ChipTop::plan_partial_routes() {
  partial_begin_.assign(1, 0);
  for (const TilePlacement& placement : floorplan_.tiles) {
    const size_t first = first_core_[placement.layer];
    for (size_t k = 0; k < core_count_[placement.layer]; ++k) {
      const NeuronCore& core = *core_blocks_[first + k];
      const size_t lo = std::max(core.begin(), placement.col_begin), hi = std::min(core.end(), placement.col_end);
      if (lo < hi)
        partial_routes_.push_back({first + k, core_routers_[first + k], context_->costs.partial_sum_packets(hi - lo)});
    }
    partial_begin_.push_back(partial_routes_.size());
  }
}

void ChipTop::trace_signals(TrackWaves& waves) {
  for (ChipSignal* signal :
       {&step_signal_, &input_spikes_signal_, &hidden_spikes_signal_, &output_spikes_signal_, &pulses_signal_})
    signal->attach(waves, "sequencer", &wave_ps_);
}

SampleResult ChipTop::simulate_sample(const uint8_t* image, const std::vector<uint16_t>& permutation, int target) {
  const uint64_t pulses_before = network_.rule().activity().pulses();
  network_.begin_sample(image, permutation, target);
  layer_done_[0] = layer_done_[1] = now_ps_;
  for (int t = 0; t < network_.steps(); ++t) {
    if (tracing_waveforms()) {
      wave_ps_ = description_.pipeline ? layer_done_[0] : now_ps_;
      step_signal_.write(static_cast<uint64_t>(t));
    }
    run_step(t);
    if (tracing_waveforms()) {
      // Recorded at the chip time the step ends; the kernel is not synced for it.
      wave_ps_ = now_ps_;
      input_spikes_signal_.write(network_.spikes(0).size());
      hidden_spikes_signal_.write(network_.spikes(1).size());
      output_spikes_signal_.write(network_.spikes(2).size());
      pulses_signal_.write(network_.rule().activity().pulses() - pulses_before);
    }
  }
  SampleResult result;
  LearnOp& end = next_learn_op(LearnOp::end_sample);
  end.result = &result;
  now_ps_ = learn_op(layer_controllers_[1].front(), now_ps_);
  // Every draw and SRAM access of the sample, its m growth included, was served by the blocks
  // (once per sample: the counts are cumulative and the banks keep the first mismatching
  // request, so checking each layer-step would only cost time).
  for (const auto& rng : rng_blocks_) rng->check_served_all();
  for (const auto* blocks : {&m_sram_blocks_, &acc_sram_blocks_})
    for (const auto& sram : *blocks) sram->check_served_all();
  advance_to(now_ps_);
  return result;
}

uint64_t ChipTop::core_op(size_t core, CoreOp::Kind kind, int t, uint64_t start_ps) {
  core_.op.kind = kind;
  core_.op.t = t;
  return core_.send(cores[static_cast<int>(core)], start_ps);
}

LearnOp& ChipTop::next_learn_op(LearnOp::Kind kind, unsigned layer) {
  learn_.op = LearnOp{};
  learn_.op.kind = kind;
  learn_.op.layer = layer;
  return learn_.op;
}

uint64_t ChipTop::learn_op(size_t controller, uint64_t start_ps) {
  return learn_.send(controllers[static_cast<int>(controller)], start_ps);
}

uint64_t ChipTop::send(unsigned src, unsigned dst, uint64_t packets, Phase phase, uint64_t start_ps) {
  return send_packets(mesh, mesh_, src, dst, packets, phase, start_ps);
}

void ChipTop::send_in_injection_order() {
  // A stable insertion sort (transfers injected at the same time go in the order they were
  // listed): a layer-step has a few, mostly in order already, and std::stable_sort would
  // allocate its buffer on every call.
  for (size_t i = 1; i < transfers_.size(); ++i)
    for (size_t j = i; j > 0 && transfers_[j].ready_ps < transfers_[j - 1].ready_ps; --j)
      std::swap(transfers_[j], transfers_[j - 1]);
  for (Transfer& transfer : transfers_)
    transfer.arrival_ps = send(transfer.src, transfer.dst, transfer.packets, Phase::inference, transfer.ready_ps);
}

uint64_t ChipTop::forward_layer(unsigned layer, int t, uint64_t start) {
  const std::vector<uint32_t>& spikes = network_.spikes(layer);
  const size_t rows = layer == 0 ? network_.inputs() : network_.hidden();
  const TileGrid& grid = floorplan_.grid;
  // The senders: the I/O port for the input layer, else the previous layer's cores (each
  // sends the spikes of its own neurons).
  const size_t sources = layer == 0 ? 1 : core_count_[0];
  const size_t first = first_core_[layer], count = core_count_[layer];
  for (size_t k = 0; k < count; ++k) core_arrival_[first + k] = start;
  // The mesh grants its links first come, first served in call order, so a layer-step's
  // transfers are issued in the order they are injected: every tile's spikes (from the I/O
  // port when the step starts, or from each sender core when it fired), then the tiles'
  // partial sums as their conversions finish. Issued tile by tile instead, a tile's spikes
  // would queue behind an earlier tile's partial sums that were injected after them.
  transfers_.clear();
  const size_t row_tiles = floorplan_.row_tiles[layer], col_tiles = floorplan_.col_tiles[layer];
  for (size_t r = 0; r < row_tiles; ++r) {
    row_spikes_[r] = spikes_in_row_tile(spikes, grid, rows, r);
    const bool active = row_spikes_[r].first != row_spikes_[r].second;
    for (size_t k = 0; k < count; ++k) core_blocks_[first + k]->active_row_tiles()[r] = active;
    if (!active) continue;
    for (size_t c = 0; c < col_tiles; ++c) {
      const size_t tile = floorplan_.tile_index(layer, r, c);
      tile_arrival_[tile] = start;
      for (size_t s = 0; s < sources; ++s) {
        const uint32_t* begin = row_spikes_[r].first;
        const uint32_t* end = row_spikes_[r].second;
        unsigned router = floorplan_.io_router;
        uint64_t ready = start;
        if (layer == 1) {
          const NeuronCore& sender = *core_blocks_[s];
          begin = std::lower_bound(begin, end, static_cast<uint32_t>(sender.begin()));
          end = std::lower_bound(begin, end, static_cast<uint32_t>(sender.end()));
          router = core_routers_[s];
          ready = std::max(fired_[s], start);
        }
        if (begin != end)
          transfers_.push_back({ready, tile, router, floorplan_.tiles[tile].router, static_cast<uint64_t>(end - begin)});
      }
    }
  }
  send_in_injection_order();
  for (const Transfer& spikes_in : transfers_)
    tile_arrival_[spikes_in.waiter] = std::max(tile_arrival_[spikes_in.waiter], spikes_in.arrival_ps);

  transfers_.clear();
  for (size_t r = 0; r < row_tiles; ++r) {
    if (row_spikes_[r].first == row_spikes_[r].second) continue;
    for (size_t c = 0; c < col_tiles; ++c) {
      const size_t tile = floorplan_.tile_index(layer, r, c);
      read_.op.rows_begin = row_spikes_[r].first;
      read_.op.rows_end = row_spikes_[r].second;
      const uint64_t converted = read_.send(tiles[static_cast<int>(tile)], tile_arrival_[tile]);
      // The converted sums go to every core that owns some of the tile's columns.
      for (size_t i = partial_begin_[tile]; i < partial_begin_[tile + 1]; ++i)
        transfers_.push_back({converted, partial_routes_[i].core, floorplan_.tiles[tile].router,
                              partial_routes_[i].router, partial_routes_[i].packets});
    }
  }
  send_in_injection_order();
  for (const Transfer& sums_in : transfers_)
    core_arrival_[sums_in.waiter] = std::max(core_arrival_[sums_in.waiter], sums_in.arrival_ps);
  uint64_t fired = start;
  for (size_t k = 0; k < count; ++k) {
    fired_[first + k] = core_op(first + k, CoreOp::fire, t, core_arrival_[first + k]);
    fired = std::max(fired, fired_[first + k]);
  }
  return fired;
}

uint64_t ChipTop::learn_layer(unsigned layer, uint64_t start) {
  // Every controller of the layer decides its share; the first also runs the rule.
  uint64_t done = start;
  const std::vector<size_t>& mine = layer_controllers_[layer];
  for (size_t k = 0; k < mine.size(); ++k) {
    next_learn_op(LearnOp::decide, layer).run_rule = k == 0;
    done = std::max(done, learn_op(mine[k], start));
  }
  const WriteBatch& batch = network_.write_batch(layer);
  if (batch.moves.empty()) return done;
  // The pulses in the rule's order, a run of consecutive moves on one tile per transaction,
  // each through the controller that owns the tile.
  const TileGrid& grid = floorplan_.grid;
  const WriteMove* moves = batch.moves.data();
  const size_t n = batch.moves.size();
  for (size_t i = 0; i < n;) {
    const size_t tile = floorplan_.tile_index(layer, moves[i].pre / grid.tile_rows, moves[i].post / grid.tile_cols);
    size_t j = i + 1;
    while (j < n && floorplan_.tile_index(layer, moves[j].pre / grid.tile_rows, moves[j].post / grid.tile_cols) == tile)
      ++j;
    LearnOp& program = next_learn_op(LearnOp::program, layer);
    program.begin = moves + i;
    program.end = moves + j;
    program.tile = tile;
    done = std::max(done, learn_op(controller_of_tile_[tile], start));
    i = j;
  }
  next_learn_op(LearnOp::finish, layer);
  learn_op(mine.front(), start);
  return done;
}

void ChipTop::run_step(int t) {
  network_.encode_inputs();
  // Without pipelining every layer waits for the whole previous step (now_ps_); with it, a
  // layer waits only for itself (its reads, firing and learning of the previous step).
  const bool pipeline = description_.pipeline;
  const uint64_t start0 = pipeline ? layer_done_[0] : now_ps_;
  const uint64_t fired0 = forward_layer(0, t, start0);
  const uint64_t fired1 = forward_layer(1, t, pipeline ? std::max(fired0, layer_done_[1]) : fired0);
  uint64_t learned[2] = {fired0, fired1};
  if (network_.training()) {
    const uint64_t error = core_op(first_core_[1], CoreOp::error, t, fired1);
    for (unsigned layer = 0; layer < 2; ++layer) learned[layer] = std::max(learned[layer], learn_layer(layer, error));
  }
  layer_done_[0] = learned[0];
  layer_done_[1] = std::max(learned[1], fired1);
  now_ps_ = std::max(now_ps_, std::max(layer_done_[0], layer_done_[1]));
  advance_to(pipeline ? std::min(layer_done_[0], layer_done_[1]) : now_ps_);
}

}  // namespace mx
