// The learning controller block: it runs the rule's decision, charges the draws, lookups and
// SRAM traffic it took, and sends every pulse to the tile that holds the synapse.
#include <gtest/gtest.h>

#include "config/config.h"
#include "hw/hw_rng.h"
#include "learning/update_gate.h"
#include "models/crossbar_tile.h"
#include "models/learning_controller.h"
#include "models/rng_block.h"
#include "support/sc_test_support.h"
#include "support/tlm_harness.h"

using namespace mx;
using testing_support::Harness;

TEST(LearningController, ChargesTheDecisionAndRoutesPulsesToTheirTiles) {
  Config config;
  config.set("tile.rows", 392);  // the first layer in two row tiles
  config.set("rng.kind", "xorshift32");
  SpikingNetwork network(config, 784, 2, 7);
  const size_t rows[2] = {784, 200}, cols[2] = {200, 2};
  const Floorplan plan = make_floorplan(rows, cols, TileGrid{392, 256}, 0, 0);
  const HwRng probe(gate_spec(config).rng, 1);
  ChipContext context(make_chip_costs(config, Tech::defaults(), probe, 7, plan.mesh_width, plan.mesh_height));
  std::vector<std::unique_ptr<CrossbarTile>> tiles;
  std::vector<std::unique_ptr<Harness>> readers;
  LearningController controller("controller", network, plan, context);
  RngBlock rng("rng", context);
  SramBank m("m", context.components.sram_m, context), acc("acc", context.components.sram_acc, context);
  controller.rng.bind(rng.in);
  controller.m_sram.bind(m.in);
  controller.acc_sram.bind(acc.in);
  for (const TilePlacement& placement : plan.tiles) {
    tiles.push_back(std::make_unique<CrossbarTile>(("tile" + std::to_string(tiles.size())).c_str(), placement,
                                                   network.array(placement.layer),
                                                   network.reader(placement.layer).adc(), context));
    readers.push_back(std::make_unique<Harness>(("reader" + std::to_string(readers.size())).c_str()));
    readers.back()->out.bind(tiles.back()->in);
    controller.prog.bind(tiles.back()->prog);
  }
  Harness sequencer("sequencer");
  sequencer.out.bind(controller.in);
  testing_support::elaborate();

  // Train on a few bright samples, the forward pass in functional form, learning through the block.
  std::vector<uint64_t> moves_per_tile(plan.tiles.size(), 0);
  std::vector<uint8_t> image(784, 0);
  for (int i = 200; i < 600; ++i) image[i] = 255;
  for (int sample = 0; sample < 4; ++sample) {
    network.begin_sample(image.data(), {}, sample % 2);
    for (int t = 0; t < network.steps(); ++t) {
      network.encode_inputs();
      for (unsigned layer = 0; layer < 2; ++layer) {
        network.read_layer(layer);
        network.update_neurons(layer, t);
      }
      network.update_error();
      for (unsigned layer = 0; layer < 2; ++layer) {
        LearnOp op;
        op.layer = layer;
        sequencer.send(op);
        for (const WriteMove& move : network.write_batch(layer).moves)
          ++moves_per_tile[plan.tile_index(layer, move.pre / 392, move.post / 256)];
      }
    }
    SampleResult result;
    LearnOp end;
    end.kind = LearnOp::end_sample;
    end.result = &result;
    sequencer.send(end);
  }
  const LearningActivity& activity = network.rule().activity();
  ASSERT_GT(activity.pulses(), 0u);
  for (size_t i = 0; i < tiles.size(); ++i) EXPECT_EQ(tiles[i]->pulses(), moves_per_tile[i]) << plan.tiles[i].name();
  const ChipCosts& c = context.costs;
  const ChipComponents& id = context.components;
  EXPECT_EQ(context.ledger.component_aj(id.rng), static_cast<int64_t>(activity.rng_draws) * c.rng_draw_aj);
  EXPECT_EQ(context.ledger.component_aj(id.p_table),
            static_cast<int64_t>(activity.p_evaluations) * (c.p_lookup_aj + c.comparator_aj));
  EXPECT_EQ(context.ledger.component_aj(id.sram_m),
            static_cast<int64_t>(activity.m_reads * c.m_bits) * c.sram_read_bit_aj +
                static_cast<int64_t>(activity.m_writes * c.m_bits) * c.sram_write_bit_aj);
  EXPECT_EQ(context.ledger.operations(id.write_pulses), activity.pulses());
  EXPECT_GT(activity.m_writes, 0u);  // the bright pixels' synapses were consolidated
}
