// System B on the timed chip computes exactly what the functional perceptron computes —
// predictions, hidden weights, device levels and weights, write pulses — bit for bit, on a
// reduced run with uneven tiles, converters, program-and-verify and read noise; and its
// ledger adds up.
#include <gtest/gtest.h>

#include "common/random.h"
#include "config/config.h"
#include "qnn/quantized_perceptron.h"
#include "support/sc_test_support.h"
#include "tb/timed_runner.h"

using namespace mx;

namespace {

std::vector<uint8_t> blob(int label, Rng& rng) {
  std::vector<uint8_t> image(784, 0);
  for (int i = 0; i < 784; ++i)
    if ((i % 4 == label) && rng.uniform() < 0.6) image[i] = static_cast<uint8_t>(60 + rng.below(196));
  return image;
}

Config chip_config() {
  Config config;
  config.set("network.kind", "qnn");
  config.set("network.hidden", 40);
  config.set("device.n_mem", 1);
  config.set("device.w_max_hidden", 1.0);
  config.set("device.w_max_output", 1.0);
  config.set("device.init_range", 0.3);
  config.set("device.read_noise", 0.02);  // the verify loop reads noisily
  config.set("dac.bits", 4);
  config.set("adc.bits", 6);
  config.set("adc.full_scale", 4.0);
  config.set("tile.rows", 100);  // uneven tiles: 785 rows on 8 row tiles, 40 columns on 3
  config.set("tile.cols", 16);
  config.set("qnn.batch", 4);
  config.set("qnn.lr", 0.02);
  config.set("qnn.meta_m", 2.0);
  config.set("qnn.verify_max_pulses", 3);
  config.set("trace.window_samples", 2);
  return config;
}

// 12 training samples (3 mini-batches), the partial batch flushed, then 6 tests.
template <typename Runner>
std::vector<int> replay(Runner& runner, Rng& data) {
  std::vector<int> predictions;
  runner.begin_task(0);
  for (int i = 0; i < 14; ++i) predictions.push_back(runner.run_sample(blob(i % 4, data).data(), {}, i % 4).prediction);
  runner.end_training();
  for (int i = 0; i < 6; ++i) predictions.push_back(runner.run_sample(blob(i % 4, data).data(), {}, -1).prediction);
  return predictions;
}

}  // namespace

TEST(QnnChip, TimedEqualsFunctionalBitForBit) {
  const Config config = chip_config();
  QuantizedPerceptron functional(config, 784, 4, 7), timed_network(config, 784, 4, 7);
  FunctionalRunner reference(functional);
  TimedRunner timed(config, timed_network, "");
  Rng data_a(5), data_b(5);
  EXPECT_EQ(replay(reference, data_a), replay(timed, data_b));
  for (unsigned layer = 0; layer < 2; ++layer) {
    EXPECT_EQ(functional.hidden_weights(layer), timed_network.hidden_weights(layer)) << layer;
    EXPECT_EQ(functional.programmed_levels(layer), timed_network.programmed_levels(layer)) << layer;
    EXPECT_EQ(functional.array(layer).weights(), timed_network.array(layer).weights()) << layer;
    EXPECT_EQ(functional.array(layer).write_counts(), timed_network.array(layer).write_counts()) << layer;
  }
  EXPECT_EQ(functional.logits(), timed_network.logits());
  EXPECT_GT(functional.activity().reprogram_events, 0u);
  EXPECT_GT(functional.activity().verify_reads, 0u);
  EXPECT_EQ(functional.statistics(), timed_network.statistics());
  // Every transaction carried its chip time as its delay: the kernel ends at the chip's time.
  const auto latency = timed.summary()["latency"];
  EXPECT_GT(timed.chip().chip_time_ps(), 0u);
  EXPECT_EQ(timed.chip().kernel_time_ps(), timed.chip().chip_time_ps());
  EXPECT_EQ(latency["kernel_time_s"], latency["sim_time_s"]);
}

// Two tasks, each tested after the second with its own normalization state (qnn.norm per_task).
template <typename Runner>
std::vector<int> replay_two_tasks(Runner& runner, Rng& data) {
  std::vector<int> predictions;
  for (size_t task = 0; task < 2; ++task) {
    runner.begin_task(task);
    for (int i = 0; i < 10; ++i)
      predictions.push_back(runner.run_sample(blob((i + static_cast<int>(task)) % 4, data).data(), {}, i % 4).prediction);
    runner.end_training();
  }
  for (size_t task = 0; task < 2; ++task) {
    runner.begin_test(task);
    for (int i = 0; i < 4; ++i) predictions.push_back(runner.run_sample(blob(i, data).data(), {}, -1).prediction);
  }
  return predictions;
}

TEST(QnnChip, PerTaskNormalizationIsTimedBitForBitAndCharged) {
  Config config = chip_config();
  config.set("qnn.norm", "per_task");
  config.set("qnn.norm_layers", "both");
  QuantizedPerceptron functional(config, 784, 4, 7), timed_network(config, 784, 4, 7);
  FunctionalRunner reference(functional);
  TimedRunner timed(config, timed_network, "");
  Rng data_a(5), data_b(5);
  EXPECT_EQ(replay_two_tasks(reference, data_a), replay_two_tasks(timed, data_b));
  EXPECT_EQ(functional.logits(), timed_network.logits());
  EXPECT_EQ(functional.statistics(), timed_network.statistics());

  const QnnActivity& a = timed_network.activity();
  EXPECT_GT(a.normalizations, 0u);
  const EnergyLedger& ledger = timed.chip().context().ledger;
  const ChipComponents& id = timed.chip().context().components;
  const ChipCosts& costs = timed.chip().context().costs;
  // The normalization state shares the hidden-weight SRAM; normalizing costs an activation.
  EXPECT_EQ(ledger.operations(id.sram_hidden),
            a.hidden_read_bits + a.hidden_write_bits + a.norm_state_read_bits + a.norm_state_write_bits);
  EXPECT_EQ(ledger.aj(id.digital_unit, Phase::inference),
            static_cast<int64_t>(a.activations + a.normalizations) * costs.activation_aj);
}

// A head per task: the output crossbar is twice as wide, and the chip reads and charges it
// as the functional perceptron computes it.
TEST(QnnChip, PerTaskHeadsAreTimedBitForBit) {
  Config config = chip_config();
  config.set("qnn.heads", "per_task");
  QuantizedPerceptron functional(config, 784, 4, 7, 2), timed_network(config, 784, 4, 7, 2);
  ASSERT_EQ(timed_network.array(1).cols(), 8u);
  FunctionalRunner reference(functional);
  TimedRunner timed(config, timed_network, "");
  Rng data_a(5), data_b(5);
  EXPECT_EQ(replay_two_tasks(reference, data_a), replay_two_tasks(timed, data_b));
  for (unsigned layer = 0; layer < 2; ++layer)
    EXPECT_EQ(functional.hidden_weights(layer), timed_network.hidden_weights(layer)) << layer;
  EXPECT_EQ(functional.logits(), timed_network.logits());
  EXPECT_EQ(functional.statistics(), timed_network.statistics());
}

TEST(QnnChip, LedgerConservesEnergyAndChargesEveryPulse) {
  const Config config = chip_config();
  QuantizedPerceptron network(config, 784, 4, 3);
  TimedRunner timed(config, network, "");
  Rng data(9);
  replay(timed, data);
  const EnergyLedger& ledger = timed.chip().context().ledger;
  const ChipComponents& id = timed.chip().context().components;
  int64_t by_component = 0, by_phase = 0, by_sample = 0;
  for (ComponentId c = 0; c < ledger.component_count(); ++c) by_component += ledger.component_aj(c);
  for (Phase phase : {Phase::inference, Phase::learning}) by_phase += ledger.phase_aj(phase);
  for (const SampleCost& cost : timed.chip().sample_costs()) by_sample += cost.total_aj;
  EXPECT_GT(ledger.total_aj(), 0);
  EXPECT_EQ(by_component, ledger.total_aj());
  EXPECT_EQ(by_phase, ledger.total_aj());
  // The last partial mini-batch is applied after the last training sample, so its energy is
  // in the next (first test) sample's row.
  EXPECT_EQ(by_sample, ledger.total_aj());
  // Every pulse and verify read the perceptron counted went through a tile and was charged.
  const QnnActivity& a = network.activity();
  EXPECT_EQ(ledger.operations(id.write_pulses), a.pulses());
  EXPECT_EQ(ledger.operations(id.verify_reads), a.verify_reads);
  const ChipCosts& costs = timed.chip().context().costs;
  EXPECT_EQ(ledger.component_aj(id.write_pulses),
            static_cast<int64_t>(a.set_pulses) * costs.set_pulse_aj + static_cast<int64_t>(a.reset_pulses) * costs.reset_pulse_aj);
  // The digital unit's SRAM is charged bit for bit.
  EXPECT_EQ(ledger.operations(id.sram_hidden), a.hidden_read_bits + a.hidden_write_bits);
  EXPECT_EQ(ledger.operations(id.sram_optimizer), a.optimizer_state_read_bits + a.optimizer_state_write_bits);
  EXPECT_EQ(ledger.operations(id.sram_gradient), a.gradient_read_bits + a.gradient_write_bits);
  EXPECT_EQ(ledger.aj(id.digital_unit, Phase::learning),
            static_cast<int64_t>(a.gradient_updates) * costs.gradient_word_aj +
                static_cast<int64_t>(a.weight_steps) * costs.weight_step_aj);

  const auto summary = timed.summary();
  double update = 0;
  for (const auto& part : summary["energy_pj"]["update_components"]) update += part.get<double>();
  EXPECT_NEAR(summary["energy_pj"]["update"].get<double>(), update, 1e-6 * update);
  EXPECT_TRUE(summary["energy_pj"]["update_components"].contains("sram_optimizer"));
  EXPECT_GT(summary["latency"]["cycles_per_sample"]["train"].get<double>(),
            summary["latency"]["cycles_per_sample"]["test"].get<double>());  // learning takes time
}

TEST(QnnChip, TransposedReadAndUpdatesAreLearningWork) {
  const Config config = chip_config();
  QuantizedPerceptron network(config, 784, 4, 3);
  TimedRunner timed(config, network, "");
  Rng data(1);
  for (int i = 0; i < 3; ++i) timed.run_sample(blob(i % 4, data).data(), {}, -1);
  const EnergyLedger& ledger = timed.chip().context().ledger;
  const ChipComponents& id = timed.chip().context().components;
  EXPECT_EQ(ledger.phase_aj(Phase::learning), 0);  // tests learn nothing
  EXPECT_GT(ledger.aj(id.crossbar, Phase::inference), 0);
  timed.run_sample(blob(0, data).data(), {}, 0);
  EXPECT_GT(ledger.aj(id.crossbar, Phase::learning), 0);  // the transposed read
  EXPECT_GT(ledger.aj(id.sram_gradient, Phase::learning), 0);
  EXPECT_GT(ledger.aj(id.error_unit, Phase::learning), 0);
}
