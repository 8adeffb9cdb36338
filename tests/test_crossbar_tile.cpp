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

struct Bench {
  Config config;
  Tech tech = Tech::defaults();
  HwRng rng{HwRngSpec{}, 1};
  ChipContext context{make_chip_costs(config, tech, rng, 2, 1, 1)};
  Rng init{4};
  SynapseArray array{10, 6, LevelTable::generate(8, 10, 100, 0.05, true), DeviceOptions{2, 1.0}, init};
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
  op.start_ps = 5000;
  const uint64_t delay = bench.reader.send(op);

  std::vector<float> expected(4);
  tile_partial_sums(bench.array, op.rows_begin, op.rows_end, 2, 6, bench.adc, expected.data());
  for (size_t j = 0; j < 4; ++j) EXPECT_EQ(bench.tile->partial()[j], expected[j]) << j;
  // The ADC's grid: every converted sum is a multiple of its step.
  for (size_t j = 0; j < 4; ++j)
    EXPECT_FLOAT_EQ(std::round(expected[j] / bench.adc.step()) * bench.adc.step(), expected[j]);

  const ChipCosts& c = bench.context.costs;
  const ChipComponents& id = bench.context.components;
  EXPECT_EQ(bench.context.ledger.component_aj(id.row_drivers), 3 * c.row_drive_aj);
  EXPECT_EQ(bench.context.ledger.component_aj(id.crossbar), 3 * 4 * 2 * c.device_read_aj);  // rows x cols x n_mem
  EXPECT_EQ(bench.context.ledger.component_aj(id.adc), 4 * c.conversion_aj);
  EXPECT_EQ(delay, c.tile_read_ps(4));
  EXPECT_EQ(op.done_ps, 5000 + delay);
}

TEST(CrossbarTile, PulsesProgramTheDeviceAndQueueOnTheWriteDriver) {
  Bench bench;
  const float before = bench.array.resistance(3, 4, 1);
  WriteMove move{3, 4, +1};
  Rng device_rng(9);
  LearningActivity activity;
  PulseOp op;
  op.move = &move, op.device = 1, op.device_rng = &device_rng, op.activity = &activity, op.start_ps = 0;
  bench.writer.send(op);
  const uint64_t first_done = op.done_ps;
  EXPECT_NE(bench.array.resistance(3, 4, 1), before);
  EXPECT_EQ(activity.set_pulses, 1u);
  EXPECT_EQ(bench.context.ledger.component_aj(bench.context.components.write_pulses), bench.context.costs.set_pulse_aj);
  // A second pulse issued at the same time waits for the first.
  move.direction = -1;
  op.start_ps = 0;
  bench.writer.send(op);
  EXPECT_EQ(op.done_ps, first_done + bench.context.costs.pulse_ps);
  EXPECT_EQ(activity.reset_pulses, 1u);
  EXPECT_EQ(bench.tile->pulses(), 2u);
}
