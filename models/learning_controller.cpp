#include "models/learning_controller.h"

#include <algorithm>
#include <numeric>

namespace mx {

namespace {
std::vector<size_t> every_tile(const Floorplan& floorplan) {
  std::vector<size_t> tiles(floorplan.tiles.size());
  std::iota(tiles.begin(), tiles.end(), size_t{0});
  return tiles;
}
}  // namespace

LearningController::LearningController(sc_core::sc_module_name name, SpikingNetwork& network,
                                       const Floorplan& floorplan, ChipContext& context)
    : LearningController(name, network, floorplan, context, every_tile(floorplan), floorplan.controller_router,
                         false) {}

LearningController::LearningController(sc_core::sc_module_name name, SpikingNetwork& network,
                                       const Floorplan& floorplan, ChipContext& context, std::vector<size_t> tiles,
                                       unsigned router, bool rng_per_tile, int layer, size_t own_m_sram,
                                       std::vector<size_t> m_sram_of_tile)
    : sc_module(name),
      in("in"),
      rng("rng"),
      m_sram("m_sram"),
      acc_sram("acc_sram"),
      mesh("mesh"),
      prog("prog"),
      network_(network),
      floorplan_(floorplan),
      context_(context),
      record_(context.add_block(this->name(), "learning_controller", layer)),
      tiles_(std::move(tiles)),
      router_(router),
      rng_per_tile_(rng_per_tile),
      own_m_sram_(own_m_sram),
      m_sram_of_tile_(std::move(m_sram_of_tile)) {
  if (m_sram_of_tile_.empty()) m_sram_of_tile_.assign(floorplan_.tiles.size(), 0);
  in.register_b_transport(this, &LearningController::transport);
  datapath_.attach(&record_);
  track_ = context_.timeline.track(std::string("controller ") + basename());
  decide_name_ = context_.timeline.name("decide");
  meta_name_ = context_.timeline.name("grow m");
}

template <typename Socket>
uint64_t LearningController::sram(Socket&& socket, uint64_t accesses, uint64_t read_bits, uint64_t write_bits,
                                  uint64_t start_ps) {
  if (!accesses) return start_ps;
  sram_.op.accesses = accesses;
  sram_.op.read_bits = read_bits;
  sram_.op.write_bits = write_bits;
  return sram_.send(socket, start_ps);
}

uint64_t LearningController::decide(unsigned layer, bool run_rule, uint64_t start_ps) {
  if (run_rule) network_.decide_updates(layer);
  decided_ps_[layer] = start_ps;
  const std::vector<TileWork>& work = network_.rule().tile_work(layer);
  const size_t first = floorplan_.first_tile[layer];
  TileWork mine;
  for (size_t tile : tiles_) {
    if (floorplan_.tiles[tile].layer != layer) continue;
    const TileWork& w = work[tile - first];
    mine.candidates += w.candidates;
    mine.p_evaluations += w.p_evaluations;
    mine.weight_reads += w.weight_reads;
    mine.m_reads += w.m_reads;
    mine.acc_updates += w.acc_updates;
    mine.draws += w.draws;
  }
  // A tile without candidates may still be home to the m other tiles' candidates read.
  if (!mine.candidates && !mine.m_reads) return start_ps;
  const ChipCosts& c = context_.costs;
  // m of every candidate first: p_update = exp(-m |W|) needs W only where m > 0.
  const uint64_t m_ready = sram(m_sram[static_cast<int>(own_m_sram_)], mine.m_reads, mine.m_reads * c.m_bits, 0,
                                start_ps);
  uint64_t operands = m_ready;
  uint64_t draws_ready = start_ps;
  for (size_t tile : tiles_) {
    if (floorplan_.tiles[tile].layer != layer) continue;
    const TileWork& w = work[tile - first];
    if (w.weight_reads) {
      weight_read_.op.count = w.weight_reads;
      operands = std::max(operands, weight_read_.send(prog[static_cast<int>(tile)], m_ready));
    }
    if (rng_per_tile_ && w.draws) {
      draw_.op.draws = w.draws;
      draws_ready = std::max(draws_ready, draw_.send(rng[static_cast<int>(tile)], start_ps));
    }
  }
  if (!rng_per_tile_ && mine.draws) {
    draw_.op.draws = mine.draws;
    draws_ready = draw_.send(rng[0], start_ps);
  }
  uint64_t decided = std::max(operands, draws_ready);
  if (mine.p_evaluations) {
    context_.charge(record_, context_.components.p_table, Phase::learning,
                    (c.p_lookup_aj + c.comparator_aj) * static_cast<int64_t>(mine.p_evaluations), mine.p_evaluations);
    decided = datapath_.reserve(decided, mine.p_evaluations * c.controller_op_ps);
  }
  // grad_acc: each accumulator is read, has c * p added, and is written back.
  if (mine.acc_updates)
    decided = std::max(decided, sram(acc_sram, 2 * mine.acc_updates, mine.acc_updates * c.acc_bits,
                                     mine.acc_updates * c.acc_bits, m_ready));
  context_.slice(track_, decide_name_, start_ps, decided);
  decided_ps_[layer] = decided;
  return decided;
}

uint64_t LearningController::program(const LearnOp& op, uint64_t start_ps) {
  const uint64_t ready = std::max(start_ps, decided_ps_[op.layer]);
  // One address-event packet per pulse command (synapse and direction) to the owning tile.
  const uint64_t arrived = send_packets(mesh, mesh_, router_, floorplan_.tiles[op.tile].router,
                                        static_cast<uint64_t>(op.end - op.begin), Phase::learning, ready);
  const WriteBatch& batch = network_.write_batch(op.layer);
  PulseOp& pulses = pulses_.op;
  pulses.begin = op.begin;
  pulses.end = op.end;
  pulses.device = batch.device;
  pulses.verify = &network_.write_verify();
  pulses.device_rng = &network_.device_rng(op.layer);
  pulses.activity = &network_.rule().activity();
  return pulses_.send(prog[static_cast<int>(op.tile)], arrived);
}

// The end of a sample: the prediction, and for a training sample the growth of m from the
// sample's activity traces: every cell that moved is read and written back in the SRAM of
// its home tile, the SRAMs in parallel.
uint64_t LearningController::end_sample(LearnOp& op, uint64_t start_ps) {
  const LearningRule& rule = network_.rule();
  for (unsigned layer = 0; layer < 2; ++layer)
    if (const MetaplasticState* meta = rule.meta(layer)) grown_before_[layer] = meta->grown();
  *op.result = network_.end_sample();
  growth_per_sram_.assign(m_sram.size(), 0);
  for (unsigned layer = 0; layer < 2; ++layer) {
    const MetaplasticState* meta = rule.meta(layer);
    if (!meta) continue;
    const std::vector<uint64_t>& grown = meta->grown();
    for (size_t t = 0; t < grown.size(); ++t)
      growth_per_sram_[m_sram_of_tile_[floorplan_.first_tile[layer] + t]] += grown[t] - grown_before_[layer][t];
  }
  const ChipCosts& c = context_.costs;
  uint64_t done = start_ps;
  for (size_t k = 0; k < growth_per_sram_.size(); ++k) {
    const uint64_t cells = growth_per_sram_[k];
    done = std::max(done, sram(m_sram[static_cast<int>(k)], 2 * cells, cells * c.m_bits, cells * c.m_bits, start_ps));
  }
  context_.slice(track_, meta_name_, start_ps, done);
  return done;
}

void LearningController::transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  LearnOp* op = request_of<LearnOp>(payload);
  if (!op) return;
  const uint64_t start = chip_ps_of(delay);
  uint64_t done = start;
  switch (op->kind) {
    case LearnOp::decide: done = decide(op->layer, op->run_rule, start); break;
    case LearnOp::program: done = program(*op, start); break;
    case LearnOp::finish: network_.finish_programming(op->layer); break;
    case LearnOp::end_sample: done = end_sample(*op, start); break;
  }
  respond(payload, delay, done);
}

}  // namespace mx
