#include "models/learning_controller.h"

#include <algorithm>

namespace mx {

LearningController::LearningController(sc_core::sc_module_name name, SpikingNetwork& network,
                                       const Floorplan& floorplan, ChipContext& context)
    : sc_module(name),
      in("in"),
      rng("rng"),
      m_sram("m_sram"),
      acc_sram("acc_sram"),
      prog("prog"),
      network_(network),
      floorplan_(floorplan),
      context_(context) {
  in.register_b_transport(this, &LearningController::transport);
  track_ = context_.timeline.track("learning controller");
  decide_name_ = context_.timeline.name("decide");
  meta_name_ = context_.timeline.name("grow m");
}

uint64_t LearningController::count_op(tlm_utils::simple_initiator_socket<LearningController>& socket,
                                      const CountOp& op) {
  count_op_ = op;
  transact(socket, payload_, count_op_);
  return count_op_.done_ps;
}

// Charges what the rule did since `before`: p lookups and comparisons here, draws at the
// RNG, m and accumulator traffic at the SRAMs (which work in parallel with each other).
uint64_t LearningController::charge_activity(const LearningActivity& before, uint64_t start_ps) {
  const LearningActivity& now = network_.rule().activity();
  const ChipCosts& c = context_.costs;
  const uint64_t evaluations = now.p_evaluations - before.p_evaluations;
  if (evaluations)
    context_.ledger.charge(context_.components.p_table, Phase::learning,
                           (c.p_lookup_aj + c.comparator_aj) * static_cast<int64_t>(evaluations), evaluations);
  uint64_t done = start_ps + evaluations * c.controller_op_ps;
  CountOp op;
  op.start_ps = start_ps;
  op.draws = now.rng_draws - before.rng_draws;
  if (op.draws) done = std::max(done, count_op(rng, op));
  op.draws = 0;
  op.read_bits = (now.m_reads - before.m_reads) * c.m_bits;
  op.write_bits = (now.m_writes - before.m_writes) * c.m_bits;
  if (op.read_bits || op.write_bits) done = std::max(done, count_op(m_sram, op));
  const uint64_t accumulator_updates = now.acc_updates - before.acc_updates;
  op.read_bits = op.write_bits = accumulator_updates * c.acc_bits;  // read-modify-write
  if (accumulator_updates) done = std::max(done, count_op(acc_sram, op));
  return done;
}

uint64_t LearningController::decide_and_program(unsigned layer, uint64_t start_ps) {
  const LearningActivity before = network_.rule().activity();
  network_.decide_updates(layer);
  uint64_t decided = charge_activity(before, start_ps);
  context_.slice(track_, decide_name_, start_ps, decided);
  const WriteBatch& batch = network_.write_batch(layer);
  if (batch.moves.empty()) return decided;
  // Pulses go out in the rule's order (the device noise stream follows it); tiles write in
  // parallel, each tile's pulses one after the other.
  uint64_t done = decided;
  pulse_op_.device = batch.device;
  pulse_op_.device_rng = &network_.device_rng(layer);
  pulse_op_.activity = &network_.rule().activity();
  const TileGrid& grid = floorplan_.grid;
  for (const WriteMove& move : batch.moves) {
    pulse_op_.move = &move;
    pulse_op_.start_ps = decided;
    const size_t tile = floorplan_.tile_index(layer, move.pre / grid.tile_rows, move.post / grid.tile_cols);
    transact(prog[static_cast<int>(tile)], payload_, pulse_op_);
    done = std::max(done, pulse_op_.done_ps);
  }
  network_.finish_programming(layer);
  return done;
}

// The end of a sample: the prediction, and for a training sample the growth of m from the
// sample's activity traces (SRAM writes of every m that moved).
uint64_t LearningController::end_sample(LearnOp& op) {
  const LearningActivity before = network_.rule().activity();
  *op.result = network_.end_sample();
  const uint64_t done = charge_activity(before, op.start_ps);
  context_.slice(track_, meta_name_, op.start_ps, done);
  return done;
}

void LearningController::transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  LearnOp& op = op_of<LearnOp>(payload);
  op.done_ps = op.kind == LearnOp::decide_and_program ? decide_and_program(op.layer, op.start_ps)
                                                      : end_sample(op);
  delay += sc_core::sc_time::from_value(op.done_ps - op.start_ps);
}

}  // namespace mx
