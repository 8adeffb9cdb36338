// The smaller chip blocks, each in its own process: the spike mesh, the RNG and SRAM
// blocks, and the neuron core.
#include <gtest/gtest.h>

#include "common/error.h"
#include "config/config.h"
#include "hw/hw_rng.h"
#include "models/neuron_core.h"
#include "models/rng_block.h"
#include "models/spike_mesh.h"
#include "support/sc_test_support.h"
#include "support/tlm_harness.h"

using namespace mx;
using testing_support::Harness;

namespace {

ChipCosts costs_for(const Config& config, unsigned mesh_width, unsigned mesh_height) {
  const HwRng rng(HwRngSpec{RngKind::lfsr, 16, 16, 0.0}, 1);
  return make_chip_costs(config, Tech::defaults(), rng, 1, mesh_width, mesh_height);
}

// One RNG block behind a test harness, elaborated.
struct RngBench {
  Config config;
  ChipContext context{costs_for(config, 1, 1)};
  RngBlock rng{"rng", context, 1};
  Harness harness{"harness"};
  RngBench() {
    harness.out.bind(rng.in);
    testing_support::elaborate();
  }
};

}  // namespace

TEST(SpikeMesh, BurstsArriveAfterTheirHopsAndPayPerPacket) {
  Config config;
  ChipContext context(costs_for(config, 3, 3));
  SpikeMesh mesh("mesh", context.costs.mesh, context);
  Harness harness("harness");
  harness.out.bind(mesh.in);
  testing_support::elaborate();
  MeshOp one, ten;
  one.src = ten.src = 0;
  one.dst = ten.dst = 8;
  one.packets = 1, ten.packets = 10;
  const uint64_t first = harness.send(one);
  const uint64_t second = harness.send(ten);  // injected at 0 too: it queues behind the first
  // Four hops (2 east-west, 2 north-south) then delivery; the second burst queues behind the first.
  const MeshSpec& spec = context.costs.mesh;
  const uint64_t hops = 2 * spec.east_west.latency_ps + 2 * spec.north_south.latency_ps + spec.local.latency_ps;
  EXPECT_EQ(first, hops);
  EXPECT_GT(second, first + 9 * spec.serialization_ps);
  const double per_packet = 2 * spec.east_west.energy_pj + 2 * spec.north_south.energy_pj + spec.local.energy_pj;
  EXPECT_EQ(context.ledger.component_aj(context.components.noc), 11 * to_attojoules(per_packet));
  EXPECT_EQ(context.ledger.operations(context.components.noc), 11u);
}

TEST(ChipBlocks, ARequestOfTheWrongKindIsACommandError) {
  RngBench bench;
  SramOp wrong;
  wrong.accesses = 1;
  try {
    bench.harness.send(wrong);
    FAIL() << "an RNG block took an SRAM request";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("COMMAND_ERROR"), std::string::npos) << e.what();
  }
  EXPECT_EQ(bench.context.ledger.total_aj(), 0);
}

// The chip's initiators keep their request attached to its payload between transactions:
// it still reaches the target the second time, and a target of another kind still refuses it.
TEST(ChipBlocks, ARequestPayloadKeepsItsRequestAcrossTransactions) {
  RngBench bench;
  RequestPayload<DrawOp> draws;
  draws.op.draws = 3;
  const uint64_t first = draws.send(bench.harness.out, 0);
  EXPECT_EQ(first, 3 * bench.context.costs.rng_draw_ps);
  EXPECT_EQ(draws.send(bench.harness.out, 0), 2 * first);  // the same request again, queued behind the first
  EXPECT_EQ(bench.rng.draws(), 6u);
  RequestPayload<SramOp> wrong;
  wrong.op.accesses = 1;
  EXPECT_THROW(wrong.send(bench.harness.out, 0), Error);
  EXPECT_EQ(draws.send(bench.harness.out, 0), 3 * first);
}

TEST(RngBlock, DrawsCostTheirKindAndQueue) {
  Config config;
  ChipContext context(costs_for(config, 1, 1));
  RngBlock rng("rng", context, 1), wide("wide", context, 4);
  SramBank sram("m", context.components.sram_m, context), banked("banked", context.components.sram_m, context, 4);
  Harness to_rng("to_rng"), to_wide("to_wide"), to_sram("to_sram"), to_banked("to_banked");
  to_rng.out.bind(rng.in);
  to_wide.out.bind(wide.in);
  to_sram.out.bind(sram.in);
  to_banked.out.bind(banked.in);
  testing_support::elaborate();
  const ChipCosts& c = context.costs;
  DrawOp draws;
  draws.draws = 5;
  EXPECT_EQ(to_rng.send(draws), 5 * c.rng_draw_ps);
  EXPECT_EQ(to_rng.send(draws), 10 * c.rng_draw_ps);  // a second requester at 0 waits for the first
  EXPECT_EQ(to_wide.send(draws), 2 * c.rng_draw_ps);  // four lanes: two rounds
  EXPECT_EQ(context.ledger.component_aj(context.components.rng), 15 * c.rng_draw_aj);
  // A 16-bit LFSR draw is 16 shifts: 16 cycles of the chip clock.
  EXPECT_EQ(c.rng_draw_ps, 16 * c.cycle_ps);
  SramOp traffic;
  traffic.accesses = 8, traffic.read_bits = 64, traffic.write_bits = 80;
  EXPECT_EQ(to_sram.send(traffic), 8 * c.sram_access_ps);
  EXPECT_EQ(to_banked.send(traffic), 2 * c.sram_access_ps);  // eight accesses over four banks
  EXPECT_EQ(context.ledger.component_aj(context.components.sram_m),
            2 * (64 * c.sram_read_bit_aj + 80 * c.sram_write_bit_aj));
  EXPECT_EQ(context.ledger.phase_aj(Phase::inference), 0);  // all of it is learning work
}

TEST(ChipCosts, DigitalLatenciesAreCyclesOfTheClock) {
  for (double hz : {0.5e9, 1e9, 2e9}) {
    Config config;
    config.set("clock.frequency_hz", hz);
    const ChipCosts c = costs_for(config, 1, 1);
    EXPECT_EQ(c.rng_draw_ps, 16 * c.cycle_ps) << hz;
    EXPECT_EQ(c.controller_op_ps, c.cycle_ps) << hz;
    EXPECT_GE(c.sram_access_ps, c.cycle_ps) << hz;
    EXPECT_EQ(c.sram_access_ps % c.cycle_ps, 0u) << hz;
  }
}

TEST(ChipCosts, AnIdealAdcIsChargedAndShippedAtItsStatedWidth) {
  Config ideal, eight;
  eight.set("adc.bits", 8);
  const ChipCosts a = costs_for(ideal, 1, 1), b = costs_for(eight, 1, 1);
  EXPECT_EQ(a.partial_word_bits, 8u);
  EXPECT_EQ(a.partial_sum_packets(256), b.partial_sum_packets(256));
  EXPECT_EQ(a.conversion_aj, b.conversion_aj);
  ideal.set("adc.ideal_bits", 4);
  const ChipCosts four = costs_for(ideal, 1, 1);
  EXPECT_EQ(four.partial_word_bits, 4u);
  EXPECT_LT(four.partial_sum_packets(256), a.partial_sum_packets(256));
}

TEST(NeuronCore, CombinesActiveRowTilesAndFires) {
  Config config;
  config.set("tile.rows", 392);  // two row tiles for the 784 inputs
  SpikingNetwork network(config, 784, 2, 1);
  ChipContext context(costs_for(config, 2, 2));
  TilePlacement top, bottom;
  top.row_begin = 0, top.row_end = 392, top.col_begin = 0, top.col_end = 200;
  bottom = top, bottom.row_tile = 1, bottom.row_begin = 392, bottom.row_end = 784;
  const Adc& adc = network.reader(0).adc();
  CrossbarTile tile_top("top", top, network.array(0), adc, context), tile_bottom("bottom", bottom, network.array(0), adc, context);
  NeuronCore core("core", 0, network, {&tile_top, &tile_bottom}, context);
  Harness to_top("to_top"), to_bottom("to_bottom"), to_core("to_core"), write_top("write_top"),
      write_bottom("write_bottom");
  to_top.out.bind(tile_top.in);
  to_bottom.out.bind(tile_bottom.in);
  write_top.out.bind(tile_top.prog);
  write_bottom.out.bind(tile_bottom.prog);
  to_core.out.bind(core.in);
  testing_support::elaborate();

  std::vector<uint8_t> image(784, 255);
  network.begin_sample(image.data(), {}, -1);
  network.encode_inputs();
  const std::vector<uint32_t> spikes = network.spikes(0);
  ASSERT_FALSE(spikes.empty());
  // The functional read of the same spikes, for comparison.
  std::vector<float> expected(200);
  network.reader(0).read(network.array(0), spikes, expected.data());
  for (unsigned half = 0; half < 2; ++half) {
    const auto range = spikes_in_row_tile(spikes, network.reader(0).grid(), 784, half);
    TileReadOp read;
    read.rows_begin = range.first, read.rows_end = range.second;
    (half ? to_bottom : to_top).send(read);
    core.active_row_tiles()[half] = range.first != range.second;
  }
  CoreOp fire;
  fire.t = 5;
  EXPECT_EQ(to_core.send(fire), 3 * context.costs.core_ps(200));  // two contributions + the update
  for (size_t j = 0; j < 200; ++j) ASSERT_EQ(network.drive(0)[j], expected[j]) << j;
  EXPECT_EQ(to_core.send(fire, 0), 2 * 3 * context.costs.core_ps(200));  // queued behind the first
  // Two contributions of 200 partial sums added, and the update.
  EXPECT_EQ(context.ledger.component_aj(context.components.neuron_cores),
            2 * (200 * context.costs.neuron_update_aj + 400 * context.costs.partial_add_aj));
}
