// The smaller chip blocks, each in its own process: the spike mesh, the RNG and SRAM
// blocks, and the neuron core.
#include <gtest/gtest.h>

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

}  // namespace

TEST(SpikeMesh, BurstsArriveAfterTheirHopsAndPayPerPacket) {
  Config config;
  ChipContext context(costs_for(config, 3, 3));
  SpikeMesh mesh("mesh", context.costs.mesh, context);
  Harness harness("harness");
  harness.out.bind(mesh.in);
  testing_support::elaborate();
  std::vector<Burst> bursts = {{0, 8, 1, 0, 0}, {0, 8, 10, 0, 0}};
  MeshOp op;
  op.bursts = bursts.data(), op.count = 2;
  harness.send(op);
  // Four hops (2 east-west, 2 north-south) then delivery; the second burst queues behind the first.
  const MeshSpec& spec = context.costs.mesh;
  const uint64_t one = 2 * spec.east_west.latency_ps + 2 * spec.north_south.latency_ps + spec.local.latency_ps;
  EXPECT_EQ(bursts[0].arrival_ps, one);
  EXPECT_GT(bursts[1].arrival_ps, bursts[0].arrival_ps + 9 * spec.serialization_ps);
  const double per_packet = 2 * spec.east_west.energy_pj + 2 * spec.north_south.energy_pj + spec.local.energy_pj;
  EXPECT_EQ(context.ledger.component_aj(context.components.noc), 11 * to_attojoules(per_packet));
  EXPECT_EQ(context.ledger.operations(context.components.noc), 11u);
}

TEST(RngBlock, DrawsCostTheirKindAndQueue) {
  Config config;
  ChipContext context(costs_for(config, 1, 1));
  RngBlock rng("rng", context);
  SramBank sram("m", context.components.sram_m, context);
  Harness to_rng("to_rng"), to_sram("to_sram");
  to_rng.out.bind(rng.in);
  to_sram.out.bind(sram.in);
  testing_support::elaborate();
  CountOp draws;
  draws.draws = 5;
  EXPECT_EQ(to_rng.send(draws), 5 * context.costs.rng_draw_ps);
  EXPECT_EQ(context.ledger.component_aj(context.components.rng), 5 * context.costs.rng_draw_aj);
  CountOp traffic;
  traffic.read_bits = 64, traffic.write_bits = 80;
  EXPECT_EQ(to_sram.send(traffic), 3 * context.costs.sram_access_ps);  // 144 bits over a 64-bit port
  EXPECT_EQ(context.ledger.component_aj(context.components.sram_m),
            64 * context.costs.sram_read_bit_aj + 80 * context.costs.sram_write_bit_aj);
  EXPECT_EQ(context.ledger.phase_aj(Phase::inference), 0);  // all of it is learning work
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
  to_core.send(fire);
  for (size_t j = 0; j < 200; ++j) ASSERT_EQ(network.drive(0)[j], expected[j]) << j;
  EXPECT_EQ(context.ledger.operations(context.components.neuron_cores), 200u);
  EXPECT_EQ(fire.done_ps, 3 * context.costs.core_ps(200));  // two contributions + the update
}
