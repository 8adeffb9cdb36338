// The digital unit's per-neuron normalization (qnn.norm): running statistics, the gradient it
// passes back, the per-task states selected at test time, and its storage in the memory report.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "common/random.h"
#include "config/config.h"
#include "qnn/neuron_norm.h"
#include "qnn/quantized_perceptron.h"
#include "support/qnn_config.h"

namespace mx {
namespace {

// Two neurons: one around 3 with spread 2, one around -1 with spread 0.5.
std::vector<float> draw(Rng& rng) {
  return {static_cast<float>(3.0 + 2.0 * rng.normal()), static_cast<float>(-1.0 + 0.5 * rng.normal())};
}

NeuronNorm trained_norm(int samples, uint64_t seed = 1) {
  NormParams params;
  params.gain = 0.5;
  params.shift = 0.25;
  NeuronNorm norm(2, params, OptimizerParams{});
  Rng rng(seed);
  for (int i = 0; i < samples; ++i) {
    std::vector<float> x = draw(rng);
    norm.forward(x.data(), true);
  }
  return norm;
}

TEST(NeuronNorm, OutputsTakeTheLearnedScaleAndShift) {
  NeuronNorm norm = trained_norm(5000);
  Rng rng(2);
  double sum[2] = {0, 0}, square[2] = {0, 0};
  const int n = 4000;
  for (int i = 0; i < n; ++i) {
    std::vector<float> x = draw(rng);
    norm.forward(x.data(), false);
    for (int j = 0; j < 2; ++j) {
      sum[j] += x[j];
      square[j] += x[j] * x[j];
    }
  }
  for (int j = 0; j < 2; ++j) {
    const double mean = sum[j] / n, spread = std::sqrt(square[j] / n - mean * mean);
    EXPECT_NEAR(mean, 0.25, 0.06) << j;  // beta
    EXPECT_NEAR(spread, 0.5, 0.06) << j;  // gamma
  }
}

TEST(NeuronNorm, BackwardIsTheDerivativeOfTheForward) {
  NeuronNorm norm = trained_norm(500);
  // Inference does not move the statistics, so finite differences see the same function.
  const float x0[2] = {2.0f, -0.7f}, h = 1e-2f;
  for (int j = 0; j < 2; ++j) {
    std::vector<float> up(x0, x0 + 2), down(x0, x0 + 2);
    up[j] += h;
    down[j] -= h;
    norm.forward(up.data(), false);
    norm.forward(down.data(), false);
    const double slope = (up[j] - down[j]) / (2.0 * h);
    // A training forward of the same input leaves the statistics barely moved for backward.
    std::vector<float> x(x0, x0 + 2), error = {0, 0};
    norm.forward(x.data(), true);
    error[j] = 1.0f;
    norm.backward(error.data());
    EXPECT_NEAR(error[j], slope, 0.02 * std::fabs(slope)) << j;
  }
}

TEST(NeuronNorm, UpdateMovesGammaAndBetaAgainstTheirGradient) {
  NeuronNorm norm = trained_norm(500);
  std::vector<float> x = {6.0f, -1.0f};  // neuron 0 well above its mean
  norm.forward(x.data(), true);
  const float before = x[0];
  std::vector<float> error = {1.0f, 0.0f};  // lower neuron 0's output
  norm.backward(error.data());
  norm.update(1.0f);
  std::vector<float> again = {6.0f, -1.0f};
  norm.forward(again.data(), false);
  EXPECT_LT(again[0], before);
}

TEST(NeuronNorm, EachTaskIsTestedWithTheStateItEndedWith) {
  NeuronNorm norm = trained_norm(500);
  const std::vector<float> probe = {2.0f, -0.5f};
  std::vector<float> at_task0 = probe;
  norm.forward(at_task0.data(), false);
  norm.save_task(0);
  Rng shifted(3);
  for (int i = 0; i < 500; ++i) {  // a second task with other statistics
    std::vector<float> x = draw(shifted);
    for (float& v : x) v = 4.0f * v + 10.0f;
    norm.forward(x.data(), true);
  }
  std::vector<float> live = probe, saved = probe;
  norm.use_for_inference(0);
  norm.forward(saved.data(), false);
  EXPECT_EQ(saved, at_task0);
  norm.use_for_inference(1);  // no saved state: the live one
  norm.forward(live.data(), false);
  EXPECT_NE(live, at_task0);
  EXPECT_EQ(norm.saved_tasks(), 1u);
  EXPECT_EQ(norm.storage_words(), 2u * (4 * 2 + 2 * (1 + 2)));
}

// ---------------------------------------------------------------------------------------
// In the perceptron

Config norm_config(const char* mode) {
  Config config = small_qnn_config(12);
  config.set("dac.bits", 4);
  config.set("qnn.batch", 4);
  config.set("qnn.norm", mode);
  return config;
}

std::vector<uint8_t> stripe_image(int label, int task, Rng& rng) {
  std::vector<uint8_t> image(784, 0);
  for (int i = 0; i < 784; ++i)
    if ((i / 28 + task * 7) % 4 == label && rng.uniform() < 0.6) image[i] = static_cast<uint8_t>(80 + rng.below(176));
  return image;
}

void train_two_tasks(QuantizedPerceptron& network) {
  Rng data(21);
  for (int task = 0; task < 2; ++task) {
    network.begin_task(task);
    for (int i = 0; i < 40; ++i) network.run_sample(stripe_image(i % 4, task, data).data(), {}, i % 4);
    network.flush();
  }
}

TEST(NeuronNormInPerceptron, PerTaskTestsTheFirstTaskWithItsOwnState) {
  QuantizedPerceptron shared(norm_config("shared"), 784, 4, 5), per_task(norm_config("per_task"), 784, 4, 5);
  train_two_tasks(shared);
  train_two_tasks(per_task);
  // Keeping states does not change the training: the two trained alike.
  EXPECT_EQ(shared.hidden_weights(0), per_task.hidden_weights(0));
  Rng probe_rng(4);
  const std::vector<uint8_t> probe = stripe_image(1, 0, probe_rng);
  auto logits = [&](QuantizedPerceptron& network, size_t task) {
    network.begin_test(task);
    network.run_sample(probe.data(), {}, -1);
    return network.logits();
  };
  EXPECT_EQ(logits(per_task, 1), logits(shared, 1));  // the current task: the live state
  EXPECT_EQ(logits(shared, 0), logits(shared, 1));    // shared: one state for every task
  EXPECT_NE(logits(per_task, 0), logits(per_task, 1));
}

TEST(NeuronNormInPerceptron, ItsWorkAndStorageAreCounted) {
  QuantizedPerceptron plain(norm_config("none"), 784, 4, 5), normed(norm_config("per_task"), 784, 4, 5);
  train_two_tasks(plain);
  train_two_tasks(normed);
  EXPECT_EQ(plain.activity().normalizations, 0u);
  EXPECT_EQ(normed.activity().normalizations, 80u * 12 * 2);  // 80 training forwards of 12 neurons
  EXPECT_GT(normed.activity().norm_state_read_bits, 0u);
  EXPECT_GT(normed.activity().weight_steps, plain.activity().weight_steps);
  const json memory = normed.memory_bits();
  // 12 hidden neurons: the live state and task 0's, plus gamma's and beta's gradient and Adam words.
  EXPECT_EQ(memory["normalization"].get<uint64_t>(), 12u * (4 * 2 + 2 * 3) * 32);
  EXPECT_EQ(memory["total"].get<uint64_t>(),
            plain.memory_bits()["total"].get<uint64_t>() + memory["normalization"].get<uint64_t>());
}

TEST(NeuronNormInPerceptron, GammaAndBetaFollowTheTasksRateAndReset) {
  Config config = norm_config("per_task");
  config.set("qnn.reset_optimizer_at_task", true);
  config.set("qnn.lr_task_divisor", 4.0);
  QuantizedPerceptron network(config, 784, 4, 5);
  train_two_tasks(network);
  const HiddenOptimizer& norm_optimizer = network.norm(0)->optimizer();
  EXPECT_EQ(norm_optimizer.steps(), network.optimizer(0).steps());  // restarted with the weights'
  EXPECT_EQ(norm_optimizer.steps(), 10u);                           // 40 samples in batches of 4
  EXPECT_DOUBLE_EQ(norm_optimizer.learning_rate(), network.optimizer(0).learning_rate());
  EXPECT_DOUBLE_EQ(norm_optimizer.learning_rate(), 0.005 / 4);
  EXPECT_EQ(network.norm(1), nullptr);  // the hidden layer only, by default
}

TEST(NeuronNormInPerceptron, RejectsAnUnknownMode) {
  try {
    const Config config = norm_config("batch");
    QnnParams::from_config(config);
    FAIL() << "no error";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("qnn.norm"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace mx
