// The crossbar tile block: its reads are the kernel's partial sums, costed by rows, devices
// and conversions; its pulses program the devices and queue on the tile's write driver.
#include <gtest/gtest.h>

#include "config/config.h"
#include "hw/hw_rng.h"
#include "models/crossbar_tile.h"
#include "support/sc_test_support.h"
#include "support/tlm_harness.h"

using namespace mx;
using testing_support::Harness;

namespace {

// Two devices per synapse, unit w_max, every other option at its default.
DeviceOptions two_devices() {
  DeviceOptions options;
  options.n_mem = 2;
  return options;
}

struct Bench {
  Config config;
  Tech tech = Tech::defaults();
  HwRng rng{HwRngSpec{}, 1};
  ChipContext context{make_chip_costs(config, tech, rng, 2, 1, 1)};
  Rng init{4};
  SynapseArray array{10, 6, LevelTable::generate(8, 10, 100, 0.05, true), two_devices(), init};
  Adc adc{AdcSpec{6, 4.0}};
  TilePlacement placement;
  std::unique_ptr<CrossbarTile> tile;
  Harness reader{"reader"}, writer{"writer"};

  Bench() {
    placement.row_begin = 0, placement.row_end = 10, placement.col_begin = 2, placement.col_end = 6;
    tile = std::make_unique<CrossbarTile>("tile", placement, array, adc, context);
    reader.out.bind(tile->in);
    writer.out.bind(tile->prog);
    testing_support::elaborate();
  }
};

}  // namespace

TEST(CrossbarTile, ReadReturnsConvertedPartialSumsAndChargesEveryPart) {
  Bench bench;
  const std::vector<uint32_t> rows = {1, 4, 7};
  TileReadOp op;
  op.rows_begin = rows.data(), op.rows_end = rows.data() + rows.size();
  const uint64_t done = bench.reader.send(op, 5000);
  const uint64_t read_us = bench.array.read_tally().microsiemens();  // V² G t: the conductance the read drew

  std::vector<float> expected(4);
  tile_partial_sums(bench.array, op.rows_begin, op.rows_end, 2, 6, bench.adc, expected.data());
  // A debug read (transport_dbg) of the tile's converted sums.
  std::vector<float> peeked(4, -1.0f);
  tlm::tlm_generic_payload& peek = bench.reader.payload();
  peek.set_command(tlm::TLM_READ_COMMAND);
  peek.set_address(0);
  peek.set_data_ptr(reinterpret_cast<unsigned char*>(peeked.data()));
  peek.set_data_length(4 * sizeof(float));
  ASSERT_EQ(bench.reader.out->transport_dbg(peek), 4 * sizeof(float));
  for (size_t j = 0; j < 4; ++j) EXPECT_EQ(peeked[j], expected[j]) << j;
  // The ADC's grid: every converted sum is a multiple of its step.
  for (size_t j = 0; j < 4; ++j)
    EXPECT_FLOAT_EQ(std::round(expected[j] / bench.adc.step()) * bench.adc.step(), expected[j]);

  const ChipCosts& c = bench.context.costs;
  const ChipComponents& id = bench.context.components;
  EXPECT_EQ(bench.context.ledger.component_aj(id.row_drivers), 3 * c.row_drive_aj);
  EXPECT_GT(read_us, 0u);
  EXPECT_EQ(bench.context.ledger.component_aj(id.crossbar), static_cast<int64_t>(read_us) * c.read_aj_per_us);
  EXPECT_EQ(bench.context.ledger.operations(id.crossbar), 3u * 4 * 2);  // rows x cols x n_mem
  EXPECT_EQ(bench.context.ledger.component_aj(id.adc), 4 * c.conversion_aj);
  EXPECT_EQ(done, 5000 + c.tile_read_ps(4));
}

TEST(CrossbarTile, PulsesProgramTheDeviceAndQueueOnTheWriteDriver) {
  Bench bench;
  const float before = bench.array.resistance(3, 4, 1);
  std::vector<WriteMove> moves = {{3, 4, +1}, {3, 4, -1}};
  Rng device_rng(9);
  LearningActivity activity;
  PulseOp op;
  op.begin = moves.data(), op.end = moves.data() + 1, op.device = 1, op.device_rng = &device_rng;
  op.activity = &activity;
  const uint64_t first_done = bench.writer.send(op);
  EXPECT_NE(bench.array.resistance(3, 4, 1), before);
  EXPECT_EQ(activity.set_pulses, 1u);
  EXPECT_EQ(bench.context.ledger.component_aj(bench.context.components.write_pulses), bench.context.costs.set_pulse_aj);
  // A second pulse issued at the same time waits for the first.
  op.begin = moves.data() + 1, op.end = moves.data() + 2;
  EXPECT_EQ(bench.writer.send(op), first_done + bench.context.costs.pulse_ps);
  EXPECT_EQ(bench.tile->last_program_done_ps(), first_done + bench.context.costs.pulse_ps);
  EXPECT_EQ(activity.reset_pulses, 1u);
  EXPECT_EQ(bench.tile->pulses(), 2u);
}

TEST(CrossbarTile, MoreWriteDriversTakePulsesAtOnceAndABudgetHoldsThemBack) {
  Config config;
  Tech tech = Tech::defaults();
  HwRng rng{HwRngSpec{}, 1};
  ChipContext context{make_chip_costs(config, tech, rng, 2, 1, 1)};
  Rng init{4};
  SynapseArray array{10, 6, LevelTable::generate(8, 10, 100, 0.05, true), two_devices(), init};
  Adc adc{AdcSpec{6, 4.0}};
  TilePlacement placement;
  placement.row_end = 10, placement.col_end = 6;
  WriteBudget one(1);
  CrossbarTile wide("wide", placement, array, adc, context, 4), budgeted("budgeted", placement, array, adc, context, 4, &one);
  Harness to_wide("to_wide"), to_budgeted("to_budgeted"), read_wide("read_wide"), read_budgeted("read_budgeted");
  to_wide.out.bind(wide.prog);
  to_budgeted.out.bind(budgeted.prog);
  read_wide.out.bind(wide.in);
  read_budgeted.out.bind(budgeted.in);
  testing_support::elaborate();
  std::vector<WriteMove> moves = {{0, 0, +1}, {1, 1, +1}, {2, 2, +1}, {3, 3, +1}};
  Rng device_rng(9);
  LearningActivity activity;
  PulseOp op;
  op.begin = moves.data(), op.end = moves.data() + moves.size(), op.device_rng = &device_rng, op.activity = &activity;
  const uint64_t pulse = context.costs.pulse_ps;
  EXPECT_EQ(to_wide.send(op), pulse);              // four drivers, four pulses at once
  EXPECT_EQ(to_budgeted.send(op), 4 * pulse);      // one pulse in flight chip-wide
}

TEST(CrossbarTile, AVerifiedWriteChargesEveryPulseAndReadAndHoldsTheDriver) {
  Bench bench;
  std::vector<WriteMove> moves = {{3, 4, +1}, {5, 2, -1}};
  const WriteVerify verify{true, 0.2, 6};  // tight: off-centre devices take extra pulses
  Rng device_rng(9);
  LearningActivity activity;
  PulseOp op;
  op.begin = moves.data(), op.end = moves.data() + moves.size(), op.device = 1, op.device_rng = &device_rng;
  op.activity = &activity, op.verify = &verify;
  const uint64_t done = bench.writer.send(op);
  const ChipCosts& c = bench.context.costs;
  const ChipComponents& id = bench.context.components;
  const uint64_t pulses = activity.pulses(), reads = activity.verify_reads;
  EXPECT_GE(pulses, 2u);
  EXPECT_EQ(reads, pulses + 2);  // a read before each write, one after each pulse
  EXPECT_EQ(bench.context.ledger.operations(id.verify_reads), reads);
  EXPECT_EQ(bench.context.ledger.component_aj(id.verify_reads), static_cast<int64_t>(reads) * c.verify_read_aj);
  EXPECT_EQ(bench.context.ledger.operations(id.write_pulses), pulses);
  EXPECT_EQ(bench.tile->pulses(), pulses);
  // One write driver: both writes' pulses and reads one after the other.
  EXPECT_EQ(done, pulses * c.pulse_ps + reads * c.verify_ps);
  // The functional kernel on the same devices and stream lands them in the same state.
  Rng init{4}, rng(9);
  SynapseArray same{10, 6, LevelTable::generate(8, 10, 100, 0.05, true), two_devices(), init};
  LearningActivity functional;
  for (const WriteMove& move : moves) apply_pulse(same, move, 1, verify, rng, functional);
  for (const WriteMove& move : moves)
    EXPECT_EQ(same.resistance(move.pre, move.post, 1), bench.array.resistance(move.pre, move.post, 1));
  EXPECT_EQ(functional.verify_reads, reads);
}
