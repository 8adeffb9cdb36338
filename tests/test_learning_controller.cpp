// The learning controllers inside the whole chip: the decision's draws, lookups and SRAM
// traffic are charged where they happen, every pulse reaches the tile that holds its synapse
// as a transaction a plain TLM monitor can watch, and its time is the tile's.
#include <gtest/gtest.h>

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "config/config.h"
#include "models/chip_top.h"
#include "support/sc_test_support.h"
#include "tb/timed_runner.h"

using namespace mx;

namespace {

// A pass-through monitor, the kind an architect attaches to any TLM link: it forwards every
// transaction untouched and checks the pulses against the tile's own record.
class PulseMonitor : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<PulseMonitor> in;
  tlm_utils::simple_initiator_socket<PulseMonitor> out;
  const TileBlock* tile = nullptr;
  uint64_t pulses = 0, transactions = 0, mismatches = 0, early = 0;

  explicit PulseMonitor(sc_core::sc_module_name name) : sc_module(name), in("in"), out("out") {
    in.register_b_transport(this, &PulseMonitor::forward);
  }

 private:
  void forward(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
    early += delay < sc_core::SC_ZERO_TIME;
    out->b_transport(payload, delay);
    PulseOp* pulse = nullptr;
    payload.get_extension(pulse);
    if (!pulse || !payload.is_response_ok()) return;
    ++transactions;
    pulses += static_cast<uint64_t>(pulse->end - pulse->begin);
    const sc_core::sc_time finished = sc_core::sc_time_stamp() + delay;
    mismatches += finished.value() != tile->last_program_done_ps();
  }
};

std::vector<uint8_t> bright_image() {
  std::vector<uint8_t> image(784, 0);
  for (int i = 200; i < 600; ++i) image[i] = 255;
  return image;
}

}  // namespace

TEST(LearningController, ChargesTheDecisionWhereItHappensAndAMonitorSeesEveryPulseOnTime) {
  Config config;
  config.set("tile.rows", 392);  // the first layer in two row tiles
  config.set("rng.kind", "xorshift32");
  config.set("rng.draw_policy", "post");
  SpikingNetwork network(config, 784, 2, 7);
  PulseMonitor monitor("monitor");
  const CrossbarTile* watched = nullptr;
  auto chip = std::make_unique<ChipTop>("chip", config, network,
                                        [&](LearningController& controller, size_t tile, CrossbarTile& block) {
                                          if (tile != 0) return controller.prog.bind(block.prog);
                                          controller.prog.bind(monitor.in);
                                          monitor.out.bind(block.prog);
                                          watched = &block;
                                        });
  monitor.tile = watched;
  ChipTop& top = *chip;
  TimedRunner timed(config, std::move(chip), "");
  const std::vector<uint8_t> image = bright_image();
  for (int sample = 0; sample < 4; ++sample) timed.run_sample(image.data(), {}, sample % 2);

  const LearningActivity& activity = network.rule().activity();
  ASSERT_GT(activity.pulses(), 0u);
  ASSERT_GT(monitor.pulses, 0u);
  EXPECT_EQ(monitor.pulses, top.tile_block(0).pulses());
  EXPECT_EQ(monitor.mismatches, 0u) << monitor.transactions << " pulse transactions";
  EXPECT_EQ(monitor.early, 0u);
  uint64_t tile_pulses = 0;
  for (size_t i = 0; i < top.floorplan().tiles.size(); ++i) tile_pulses += top.tile_block(i).pulses();
  EXPECT_EQ(tile_pulses, activity.pulses());

  const ChipContext& context = top.context();
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
  // The controller's reads of |W| are charged at the tiles, as learning-phase crossbar reads.
  ASSERT_GT(activity.weight_reads, 0u);
  EXPECT_EQ(context.ledger.aj(id.crossbar, Phase::learning), static_cast<int64_t>(activity.weight_reads) * c.weight_read_aj);
  // Pulse commands crossed the mesh: learning-phase packets, one per pulse.
  EXPECT_EQ(context.ledger.operations(id.noc, Phase::learning), activity.pulses());
  EXPECT_GT(context.ledger.aj(id.noc, Phase::learning), 0);
  // The kernel stands at the chip's time.
  EXPECT_EQ(top.kernel_time_ps(), top.chip_time_ps());
}
