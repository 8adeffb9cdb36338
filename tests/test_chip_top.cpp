// The timed chip model computes exactly what the functional kernels compute: same spikes,
// predictions, write pulses and weights, bit for bit, on a reduced training-and-test run.
#include <gtest/gtest.h>

#include "common/error.h"
#include "config/config.h"
#include "models/chip_top.h"
#include "support/sc_test_support.h"
#include "tb/timed_runner.h"

using namespace mx;

namespace {

std::vector<uint8_t> blob(int label, Rng& rng) {
  std::vector<uint8_t> image(784, 0);
  for (int i = 0; i < 784; ++i)
    if (((i % 28) < 14) == (label == 0) && rng.uniform() < 0.5) image[i] = static_cast<uint8_t>(100 + rng.below(156));
  return image;
}

Config chip_config() {
  Config config;
  config.set("adc.bits", 6);     // exercise the converters,
  config.set("rng.kind", "lfsr");  // the hardware RNG and the p table,
  config.set("rng.bits", 12);
  config.set("controller.p_bits", 10);
  config.set("tile.rows", 100);  // and uneven tiles
  config.set("tile.cols", 64);
  config.set("device.n_mem", 2);
  return config;
}

}  // namespace

TEST(ChipTop, TimedEqualsFunctionalBitForBit) {
  const Config config = chip_config();
  SpikingNetwork functional(config, 784, 2, 3), timed_network(config, 784, 2, 3);
  FunctionalRunner reference(functional);
  TimedRunner timed(config, timed_network, "");
  Rng data_a(11), data_b(11);
  for (int i = 0; i < 24; ++i) {
    const int target = i < 16 ? i % 2 : -1;  // 16 training samples, then 8 tests
    const auto image_a = blob(i % 2, data_a), image_b = blob(i % 2, data_b);
    const SampleResult a = reference.run_sample(image_a.data(), {}, target);
    const SampleResult b = timed.run_sample(image_b.data(), {}, target);
    ASSERT_EQ(a.prediction, b.prediction) << "sample " << i;
    ASSERT_EQ(a.output_counts, b.output_counts) << "sample " << i;
  }
  for (unsigned layer = 0; layer < 2; ++layer) {
    EXPECT_EQ(functional.array(layer).weights(), timed_network.array(layer).weights()) << layer;
    EXPECT_EQ(functional.array(layer).write_counts(), timed_network.array(layer).write_counts()) << layer;
  }
  EXPECT_GT(functional.rule().activity().pulses(), 0u);
  EXPECT_EQ(functional.rule().activity().pulses(), timed_network.rule().activity().pulses());
  EXPECT_EQ(functional.spike_count(1), timed_network.spike_count(1));
  // Every transaction carried its chip time as its delay: the kernel ends at the chip's time.
  EXPECT_GT(timed.chip().chip_time_ps(), 0u);
  EXPECT_EQ(timed.chip().kernel_time_ps(), timed.chip().chip_time_ps());
  const auto latency = timed.summary()["latency"];
  EXPECT_EQ(latency["kernel_time_s"], latency["sim_time_s"]);
  EXPECT_EQ(latency["time_resolution_s"].get<double>(), 1e-12);
}

TEST(ChipTop, LedgerConservesEnergyAndSamplesAddUp) {
  const Config config = chip_config();
  SpikingNetwork network(config, 784, 2, 5);
  TimedRunner timed(config, network, "");
  Rng data(2);
  for (int i = 0; i < 6; ++i) timed.run_sample(blob(i % 2, data).data(), {}, i < 4 ? i % 2 : -1);
  const EnergyLedger& ledger = timed.chip().context().ledger;
  int64_t by_component = 0, by_phase = 0, by_sample = 0;
  for (ComponentId id = 0; id < ledger.component_count(); ++id) by_component += ledger.component_aj(id);
  for (Phase phase : {Phase::inference, Phase::learning}) by_phase += ledger.phase_aj(phase);
  uint64_t chip_ps = 0;
  for (const SampleCost& cost : timed.chip().sample_costs()) by_sample += cost.total_aj, chip_ps += cost.chip_ps;
  EXPECT_GT(ledger.total_aj(), 0);
  EXPECT_EQ(by_component, ledger.total_aj());
  EXPECT_EQ(by_phase, ledger.total_aj());
  EXPECT_EQ(by_sample, ledger.total_aj());
  EXPECT_EQ(chip_ps, timed.chip().chip_time_ps());
  const auto summary = timed.summary();
  double update = 0;
  for (const auto& part : summary["energy_pj"]["update_components"]) update += part.get<double>();
  EXPECT_NEAR(summary["energy_pj"]["update"].get<double>(), update, 1e-6 * update);
  EXPECT_GT(summary["latency"]["cycles_per_sample"]["train"].get<double>(),
            summary["latency"]["cycles_per_sample"]["test"].get<double>());  // learning takes time
}

TEST(ChipTop, TooSmallMeshIsAnErrorBeforeSimulation) {
  Config config;  // 256x256 tiles: 4 for the first layer, 1 for the second
  config.set("mesh.width", 2);
  config.set("mesh.height", 2);
  SpikingNetwork network(config, 784, 2, 1);
  try {
    TimedRunner timed(config, network, "");
    FAIL() << "a 2x2 mesh cannot hold the 5 tiles";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("needs 5 tiles"), std::string::npos) << e.what();
  }
}

// The mesh grants links first come, first served in call order; the chip issues each
// layer-step's bursts in the order they are injected (spikes, then partial sums as tiles
// finish), so no inference burst is injected onto a link behind traffic that came later
// (partial sums meeting at a core's ejection port still go in call order). With the first
// layer in two row tiles on a 2x2 mesh, the I/O port's spikes for the second tile share
// their link with the first tile's partial sums: issued tile by tile, they would wait.
TEST(ChipTop, InferenceBurstsReachTheMeshInInjectionOrder) {
  Config config;
  config.set("tile.rows", 392);
  SpikingNetwork network(config, 784, 2, 5);
  auto chip = std::make_unique<ChipTop>("chip", config, network);
  const ChipTop& top = *chip;
  TimedRunner timed(config, std::move(chip), "");
  Rng data(3);
  for (int i = 0; i < 3; ++i) timed.run_sample(blob(i % 2, data).data(), {}, -1);
  const MeshNoc& noc = top.mesh_block().noc();
  EXPECT_GT(noc.packets(), 0u);
  EXPECT_EQ(noc.late_injections(), 0u);
}
