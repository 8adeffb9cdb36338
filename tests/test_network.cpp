// The spiking network end to end on a synthetic two-class problem, and its determinism.
#include <gtest/gtest.h>

#include "config/config.h"
#include "snn/network.h"

using namespace mx;

namespace {

// Class 0 lights the left half of the image, class 1 the right half, with random dropout.
std::vector<uint8_t> half_image(int label, Rng& rng) {
  std::vector<uint8_t> image(784, 0);
  for (int row = 4; row < 24; ++row)
    for (int col = 0; col < 28; ++col)
      if ((col < 14) == (label == 0) && rng.uniform() < 0.7) image[row * 28 + col] = 220;
  return image;
}

double train_and_test(Config config, int train_samples, std::vector<float>* final_weights = nullptr) {
  SpikingNetwork network(config, 784, 2, config.get_uint("seed"));
  Rng data(5);
  for (int i = 0; i < train_samples; ++i) network.run_sample(half_image(i % 2, data).data(), {}, i % 2);
  int correct = 0;
  for (int i = 0; i < 100; ++i) correct += network.run_sample(half_image(i % 2, data).data(), {}, -1).prediction == i % 2;
  if (final_weights) *final_weights = network.array(0).weights();
  return correct / 100.0;
}

}  // namespace

TEST(SpikingNetwork, LearnsASeparableTaskWithEveryRule) {
  for (const char* rule : {"prob_meta", "grad_acc", "none"}) {
    Config config;
    config.set("rule.kind", rule);
    config.set("device.w_max_hidden", 3);
    config.set("rule.i_min", -4);
    config.set("rule.i_max", 4);
    if (std::string(rule) == "grad_acc") {  // as in its presets: no error threshold
      config.set("rule.u_th_hidden", 0);
      config.set("rule.u_th_output", 0);
    }
    EXPECT_GE(train_and_test(config, 300), 0.9) << rule;
  }
}

TEST(SpikingNetwork, SameSeedSameWeightsBitForBit) {
  Config config;
  std::vector<float> a, b, c;
  const double accuracy_a = train_and_test(config, 40, &a);
  const double accuracy_b = train_and_test(config, 40, &b);
  EXPECT_EQ(accuracy_a, accuracy_b);
  EXPECT_EQ(a, b);
  config.set("seed", 2);
  train_and_test(config, 40, &c);
  EXPECT_NE(a, c);
}

TEST(SpikingNetwork, InferenceDoesNotLearn) {
  Config config;
  SpikingNetwork network(config, 784, 2, 1);
  Rng data(1);
  const std::vector<float> before = network.array(0).weights();
  for (int i = 0; i < 20; ++i) network.run_sample(half_image(i % 2, data).data(), {}, -1);
  EXPECT_EQ(network.array(0).weights(), before);
  EXPECT_EQ(network.rule().activity().pulses(), 0u);
}

TEST(SpikingNetwork, TrainingWritesRoundRobinAcrossDevices) {
  Config config;
  config.set("device.n_mem", 2);
  SpikingNetwork network(config, 784, 2, 3);
  Rng data(2);
  for (int i = 0; i < 30; ++i) network.run_sample(half_image(i % 2, data).data(), {}, i % 2);
  // Both devices of the synapses receive pulses: the counter alternates per update event.
  uint64_t even = 0, odd = 0, total = 0;
  for (unsigned layer = 0; layer < 2; ++layer) {
    const auto& writes = network.array(layer).write_counts();
    for (size_t d = 0; d < writes.size(); ++d) {
      total += writes[d];
      if (layer == 0) (d % 2 ? odd : even) += writes[d];
    }
  }
  EXPECT_GT(even, 0u);
  EXPECT_GT(odd, 0u);
  EXPECT_EQ(total, network.rule().activity().pulses());
}
