// System B's digital unit updating a layer as a chain: the walk starts when the lanes are free,
// each weight's new level is known one SRAM access plus its lanes' cycles into the walk, and
// the walk ends with the last write-back, charging the update's counts.
#include <gtest/gtest.h>

#include "config/config.h"
#include "hw/hw_rng.h"
#include "models/digital_unit.h"
#include "support/sc_test_support.h"
#include "support/tlm_harness.h"

using namespace mx;
using testing_support::Harness;

TEST(DigitalUnit, AnUpdateIsAWalkWhoseStepsGateTheReprogramming) {
  Config config;
  const HwRng rng{HwRngSpec{RngKind::lfsr}, 1};
  ChipContext context{make_chip_costs(config, Tech::defaults(), rng, 1, 1, 1), ChipKind::perceptron};
  DigitalUnit unit("unit", context);
  Harness host("host");
  host.out.bind(unit.in);
  testing_support::elaborate();
  const ChipCosts& c = context.costs;
  ASSERT_GT(c.sram_access_ps, 0u);

  // Earlier work holds the lanes; the walk waits for it.
  DigitalOp busy;
  busy.work.activations = 3 * c.lanes;
  const uint64_t free = host.send(busy, 1000);
  EXPECT_EQ(free, 1000 + 3 * c.cycle_ps);
  UpdateOp op;
  op.kind = UpdateOp::begin;
  const uint64_t origin = host.send(op, 500);
  EXPECT_EQ(origin, free);
  // Weight i's new level: its operands one access into the walk, then ceil((i + 1) / lanes) cycles.
  op.kind = UpdateOp::through;
  for (uint64_t index : {uint64_t{0}, uint64_t{c.lanes - 1}, uint64_t{c.lanes}, uint64_t{10 * c.lanes + 3}}) {
    op.index = index;
    EXPECT_EQ(host.send(op, origin), origin + c.sram_access_ps + c.lane_ops_ps(index + 1)) << index;
  }
  // Asked late, the answer is no earlier than the question.
  op.index = 0;
  EXPECT_EQ(host.send(op, origin + 10 * c.sram_access_ps + 7), origin + 10 * c.sram_access_ps + 7);
  // The end: the whole walk on the lanes, then the last write-back; the counts are charged.
  op.kind = UpdateOp::end;
  op.work.weight_steps = 20 * c.lanes;
  op.work.hidden_read_bits = 16 * op.work.weight_steps;
  const int64_t before = context.ledger.component_aj(context.components.sram_hidden);
  EXPECT_EQ(host.send(op, origin), origin + c.sram_access_ps + c.lane_ops_ps(20 * c.lanes) + c.sram_access_ps);
  EXPECT_EQ(context.ledger.component_aj(context.components.sram_hidden) - before,
            static_cast<int64_t>(op.work.hidden_read_bits) * c.sram_read_bit_aj);
  EXPECT_EQ(context.ledger.operations(context.components.digital_unit), busy.work.activations + op.work.weight_steps);
}
