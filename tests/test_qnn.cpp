// System B's learning core: the metaplastic gate, the level grid, the digital unit's
// fixed point and optimizer, level programming with and without verify, the analog-input
// crossbar read, and the quantized perceptron end to end.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/error.h"
#include "config/config.h"
#include "data/dataset.h"
#include "data/tasks.h"
#include "qnn/hidden_optimizer.h"
#include "qnn/level_grid.h"
#include "qnn/level_programmer.h"
#include "qnn/metaplastic_gate.h"
#include "qnn/qnn_schema.h"
#include "qnn/quantized_perceptron.h"
#include "support/qnn_config.h"
#include "xbar/analog_read.h"

namespace mx {
namespace {

template <typename Action>
std::string error_of(Action&& action) {
  try {
    action();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

double published_f_meta(double m, double w) { return 1.0 - std::pow(std::tanh(m * std::fabs(w)), 2); }

SynapseArray make_array(size_t rows, size_t cols, size_t levels, double sigma_frac, double w_max = 1.0,
                        uint64_t seed = 1, DeviceOptions options = {}) {
  options.w_max = w_max;
  Rng rng(seed);
  return SynapseArray(rows, cols, LevelTable::generate(levels, 10, 100, sigma_frac, true), options, rng);
}

// The run defaults with the presets' 4-bit row drivers (the run default, 1 bit, is System A's
// spike drive).
QnnParams default_params() {
  QnnParams params = QnnParams::from_config(Config());
  params.dac_bits = 4;
  return params;
}

// ---------------------------------------------------------------------------------------
// The metaplastic gate

TEST(MetaplasticGate, PublishedFunctionValues) {
  EXPECT_DOUBLE_EQ(f_meta(0.0, 0.7), 1.0);
  EXPECT_DOUBLE_EQ(f_meta(3.0, 0.0), 1.0);
  EXPECT_NEAR(f_meta(2.0, 0.5), 0.419974, 1e-6);  // 1 - tanh^2(1)
  EXPECT_NEAR(f_meta(4.0, 1.0), 0.001341, 1e-6);  // 1 - tanh^2(4)
  for (double x = 0; x < 2; x += 0.1) EXPECT_GT(f_meta(3.0, x), f_meta(3.0, x + 0.1));  // firmer with |x|
}

TEST(MetaplasticGate, ZeroReferenceAttenuatesOnlyStepsTowardZero) {
  const LevelGrid grid({-1.0, -1.0 / 3, 1.0 / 3, 1.0});
  const MetaplasticGate gate(2.0, MetaReference::zero, grid);
  const float step = 0.01f;
  for (double w : {0.5, -0.5, 1.6, -0.2}) {
    const float toward = w > 0 ? -step : step, away = -toward;
    EXPECT_TRUE(gate.toward_zero(w, toward)) << w;
    EXPECT_FALSE(gate.toward_zero(w, away)) << w;
    EXPECT_NEAR(gate.scale(static_cast<float>(w), toward), toward * published_f_meta(2.0, w), 1e-7) << w;
    EXPECT_EQ(gate.scale(static_cast<float>(w), away), away) << w;
  }
  const MetaplasticGate off(0.0, MetaReference::zero, grid);  // m = 0: plain both ways
  EXPECT_EQ(off.scale(0.9f, -step), -step);
  EXPECT_EQ(off.scale(0.9f, step), step);
}

TEST(MetaplasticGate, ZeroReferenceMeasuresInUnitsOfWMax) {
  const LevelGrid grid({-4.0, 0.0, 4.0});
  const MetaplasticGate gate(2.0, MetaReference::zero, grid);
  EXPECT_DOUBLE_EQ(gate.local_weight(2.0), 0.5);
  EXPECT_NEAR(gate.scale(2.0f, -0.01f), -0.01 * published_f_meta(2.0, 0.5), 1e-8);
}

TEST(MetaplasticGate, IntervalReferenceMeasuresFromTheIntervalCentre) {
  const LevelGrid grid({-1.0, -1.0 / 3, 1.0 / 3, 1.0});
  const MetaplasticGate gate(3.0, MetaReference::interval, grid);
  // 0.9 lies in [1/3, 1]: centre 2/3, half-width 1/3, so x = 0.7.
  EXPECT_NEAR(gate.local_weight(0.9), 0.7, 1e-12);
  EXPECT_NEAR(gate.scale(0.9f, -0.01f), -0.01 * published_f_meta(3.0, 0.7), 1e-8);  // toward the threshold
  EXPECT_EQ(gate.scale(0.9f, 0.01f), 0.01f);                                          // toward the level
  // 0.5 lies just below that centre: a step up, toward it, is the attenuated one.
  EXPECT_NEAR(gate.local_weight(0.5), -0.5, 1e-12);
  EXPECT_LT(gate.scale(0.5f, 0.01f), 0.01f);
  EXPECT_EQ(gate.scale(0.5f, -0.01f), -0.01f);
  EXPECT_NEAR(gate.local_weight(0.2), 0.6, 1e-12);  // the middle interval is centred on 0
  // Beyond the top level the outermost interval continues: |x| > 1, firmer still.
  EXPECT_NEAR(gate.local_weight(1.5), 2.5, 1e-12);
  EXPECT_LT(std::fabs(gate.scale(1.5f, -0.01f)), std::fabs(gate.scale(0.9f, -0.01f)));
}

TEST(MetaplasticGate, BothReadingsAreTheBinarizedRuleWithTwoLevels) {
  const LevelGrid grid({-1.0, 1.0});
  const MetaplasticGate interval(1.3, MetaReference::interval, grid), zero(1.3, MetaReference::zero, grid);
  for (double w = -2.5; w <= 2.5; w += 0.125) {
    EXPECT_NEAR(interval.local_weight(w), w, 1e-12);
    for (float step : {-0.01f, 0.01f}) {
      const double expected = w * step < 0 ? step * published_f_meta(1.3, w) : step;
      EXPECT_NEAR(interval.scale(static_cast<float>(w), step), expected, 1e-8) << w;
      EXPECT_NEAR(zero.scale(static_cast<float>(w), step), expected, 1e-8) << w;
    }
  }
}

TEST(MetaplasticGate, LevelHintGivesTheSameStepAsTheSearch) {
  const LevelGrid grid({-1.0, -0.6, -0.2, 0.2, 0.6, 1.0});
  for (MetaReference reference : {MetaReference::interval, MetaReference::zero}) {
    const MetaplasticGate gate(2.5, reference, grid);
    for (double w = -1.7; w <= 1.7; w += 0.013)
      for (float step : {-0.004f, 0.004f})
        EXPECT_FLOAT_EQ(gate.scale(static_cast<float>(w), step, grid.nearest(w)),
                        gate.scale(static_cast<float>(w), step))
            << w;
  }
}

TEST(MetaplasticGate, ParsesItsReference) {
  EXPECT_EQ(parse_meta_reference("interval"), MetaReference::interval);
  EXPECT_EQ(parse_meta_reference("zero"), MetaReference::zero);
  EXPECT_NE(error_of([] { parse_meta_reference("centre"); }).find("qnn.meta_reference"), std::string::npos);
}

// ---------------------------------------------------------------------------------------
// Quantization to the device levels

TEST(LevelGrid, NearestLevelAndInterval) {
  const LevelGrid grid({-1.0, -1.0 / 3, 1.0 / 3, 1.0});
  EXPECT_EQ(grid.nearest(-5.0), 0u);
  EXPECT_EQ(grid.nearest(-0.7), 0u);  // threshold -2/3
  EXPECT_EQ(grid.nearest(-0.6), 1u);
  EXPECT_EQ(grid.nearest(0.0), 2u);  // a tie goes to the higher level
  EXPECT_EQ(grid.nearest(-0.01), 1u);
  EXPECT_EQ(grid.nearest(0.7), 3u);
  EXPECT_EQ(grid.nearest(9.0), 3u);
  EXPECT_EQ(grid.interval(-3.0), 0u);
  EXPECT_EQ(grid.interval(-0.5), 0u);
  EXPECT_EQ(grid.interval(0.0), 1u);
  EXPECT_EQ(grid.interval(0.5), 2u);
  EXPECT_EQ(grid.interval(1.0), 2u);
  EXPECT_EQ(grid.interval(4.0), 2u);
  for (double w = -1.5; w <= 1.5; w += 0.01)
    for (unsigned level = 0; level < grid.size(); ++level)
      EXPECT_EQ(grid.rounds_to(w, level), grid.nearest(w) == level) << w;
  EXPECT_DOUBLE_EQ(grid.w_max(), 1.0);
}

TEST(LevelGrid, FromAnArraySpansPlusMinusWMax) {
  const SynapseArray array = make_array(2, 2, 16, 0.05, 2.5);
  const LevelGrid grid(array);
  ASSERT_EQ(grid.size(), 16u);
  EXPECT_NEAR(grid.weight(0), -2.5, 1e-9);
  EXPECT_NEAR(grid.weight(15), 2.5, 1e-9);
  // Evenly spaced conductances map to evenly spaced weights.
  for (unsigned k = 1; k < 16; ++k) EXPECT_NEAR(grid.weight(k) - grid.weight(k - 1), 5.0 / 15, 1e-9);
}

TEST(LevelGrid, RejectsSeveralDevicesPerWeightAndBadLists) {
  DeviceOptions options;
  options.n_mem = 2;
  const SynapseArray array = make_array(2, 2, 8, 0.0, 1.0, 1, options);
  EXPECT_NE(error_of([&] { LevelGrid grid(array); }).find("device.n_mem"), std::string::npos);
  EXPECT_NE(error_of([] { LevelGrid grid({1.0}); }), "");
  EXPECT_NE(error_of([] { LevelGrid grid({0.0, 1.0, 0.5}); }), "");
}

// ---------------------------------------------------------------------------------------
// The digital unit: fixed point and optimizer

TEST(FixedPoint, RoundsToNearestCodeAndSaturates) {
  const FixedPoint format(8, 2.0);  // lsb = 2/128
  EXPECT_FLOAT_EQ(format.lsb(), 2.0f / 128);
  EXPECT_FLOAT_EQ(format.quantize(0.0f), 0.0f);
  EXPECT_FLOAT_EQ(format.quantize(0.02f), 2.0f / 128);   // 1.28 lsb
  EXPECT_FLOAT_EQ(format.quantize(0.024f), 4.0f / 128);  // 1.536 lsb
  EXPECT_FLOAT_EQ(format.quantize(-0.02f), -2.0f / 128);
  EXPECT_FLOAT_EQ(format.quantize(5.0f), 2.0f - 2.0f / 128);  // two's complement top code
  EXPECT_FLOAT_EQ(format.quantize(-5.0f), -2.0f);
  EXPECT_EQ(format.storage_bits(), 8u);
  // A step below half an lsb is lost: the precision limit of the metaplastic storage.
  const float w = format.quantize(0.5f);
  EXPECT_EQ(format.quantize(w + 0.4f * format.lsb()), w);
}

TEST(FixedPoint, FloatStorageOnlySaturates) {
  const FixedPoint format(0, 2.0);
  EXPECT_FLOAT_EQ(format.quantize(0.123456f), 0.123456f);
  EXPECT_FLOAT_EQ(format.quantize(7.0f), 2.0f);
  EXPECT_FLOAT_EQ(format.quantize(-7.0f), -2.0f);
  EXPECT_EQ(format.storage_bits(), 32u);
  EXPECT_NE(error_of([] { FixedPoint f(25, 1.0); }).find("memory.hidden_bits"), std::string::npos);
  EXPECT_NE(error_of([] { FixedPoint f(8, 0.0); }).find("qnn.hidden_range"), std::string::npos);
}

TEST(HiddenOptimizer, AdamFirstStepIsTheLearningRateAgainstTheGradient) {
  OptimizerParams params;
  params.lr = 0.005;
  HiddenOptimizer adam(3, params);
  std::vector<float> g = {0.2f, -3.0f, 0.0f}, delta(3);
  adam.begin_step();
  adam.deltas(g.data(), 1.0f, delta.data(), 3);
  EXPECT_NEAR(delta[0], -0.005, 1e-6);
  EXPECT_NEAR(delta[1], 0.005, 1e-6);
  EXPECT_EQ(delta[2], 0.0f);
  EXPECT_EQ(g, std::vector<float>(3, 0.0f));  // the gradient buffer is cleared
  // With no gradient, Adam's momentum still moves the weights, the same way.
  adam.begin_step();
  adam.deltas(g.data(), 1.0f, delta.data(), 3);
  EXPECT_LT(delta[0], 0.0f);
  EXPECT_GT(delta[1], 0.0f);
  EXPECT_EQ(adam.state_words(), 2u);
  EXPECT_TRUE(adam.moves_without_gradient());
}

TEST(HiddenOptimizer, ResetStartsAsAFreshOptimizer) {
  OptimizerParams params;
  params.lr = 0.005;
  HiddenOptimizer used(2, params), fresh(2, params);
  std::vector<float> g = {1.0f, -0.5f}, delta(2), expected(2);
  for (int step = 0; step < 5; ++step) {
    used.begin_step();
    used.deltas(g.data(), 1.0f, delta.data(), 2);
    g = {0.01f, 0.02f};
  }
  used.reset();
  EXPECT_EQ(used.steps(), 0u);
  // A gradient against the old momentum: a carried first moment would still step the old
  // way; after the reset the first step is the learning rate, as a new optimizer's is.
  std::vector<float> g_used = {-3.0f, 2.0f}, g_fresh = g_used;
  used.begin_step();
  used.deltas(g_used.data(), 1.0f, delta.data(), 2);
  fresh.begin_step();
  fresh.deltas(g_fresh.data(), 1.0f, expected.data(), 2);
  EXPECT_EQ(delta, expected);
  EXPECT_NEAR(delta[0], 0.005, 1e-6);
  EXPECT_NEAR(delta[1], -0.005, 1e-6);
}

TEST(HiddenOptimizer, SgdAveragesTheBatch) {
  OptimizerParams params;
  params.kind = parse_optimizer("sgd");
  params.lr = 0.1;
  HiddenOptimizer sgd(2, params);
  std::vector<float> g = {4.0f, -2.0f}, delta(2);
  sgd.begin_step();
  sgd.deltas(g.data(), 0.25f, delta.data(), 2);
  EXPECT_FLOAT_EQ(delta[0], -0.1f);
  EXPECT_FLOAT_EQ(delta[1], 0.05f);
  EXPECT_EQ(sgd.state_words(), 0u);
  EXPECT_NE(error_of([] { parse_optimizer("rmsprop"); }).find("qnn.optimizer"), std::string::npos);
}

// ---------------------------------------------------------------------------------------
// Programming a device to a level

TEST(LevelProgrammer, OpenLoopPulsesTheLevelDifference) {
  SynapseArray array = make_array(1, 1, 16, 0.0);
  Rng rng(3);
  const unsigned start = read_level(array, 0, 0, rng);
  const unsigned target = start >= 8 ? start - 5 : start + 5;
  const ProgramOutcome outcome = program_to_level(array, 0, 0, start, target, 0, rng);
  EXPECT_EQ(outcome.pulses(), 5u);
  EXPECT_EQ(outcome.verify_reads, 0u);
  EXPECT_FALSE(outcome.verified);
  EXPECT_EQ(read_level(array, 0, 0, rng), target);  // noiseless: open loop lands exactly
  EXPECT_EQ(array.write_counts()[0], 5u);
  EXPECT_EQ(program_to_level(array, 0, 0, target, target, 10, rng).pulses(), 0u);  // no change, no pulse
}

TEST(LevelProgrammer, VerifyReachesTheTargetWhenNoiseAllows) {
  SynapseArray array = make_array(1, 1, 16, 0.0);
  Rng rng(4);
  unsigned level = read_level(array, 0, 0, rng);
  for (unsigned target : {15u, 0u, 7u, 8u}) {
    const unsigned distance = target > level ? target - level : level - target;
    const ProgramOutcome outcome = program_to_level(array, 0, 0, level, target, 40, rng);
    EXPECT_TRUE(outcome.verified);
    EXPECT_EQ(outcome.pulses(), distance);  // noiseless: one pulse per level, no retries
    EXPECT_EQ(outcome.verify_reads, outcome.pulses());
    level = read_level(array, 0, 0, rng);
    EXPECT_EQ(level, target);
  }
}

TEST(LevelProgrammer, VerifyNeverExceedsItsPulseBound) {
  // Spread wide enough that a pulse often lands on a neighbouring level, and noisy reads.
  DeviceOptions options;
  options.read_noise = 0.05;
  SynapseArray array = make_array(4, 4, 16, 0.12, 1.0, 5, options);
  Rng rng(6);
  const unsigned bound = 4;
  size_t reached = 0, attempts = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const size_t row = trial % 4, col = (trial / 4) % 4;
    const unsigned from = read_level(array, row, col, rng);
    const unsigned to = static_cast<unsigned>(rng.below(16));
    if (to == from) continue;
    const uint32_t writes_before = array.write_counts()[row * 4 + col];
    const ProgramOutcome outcome = program_to_level(array, row, col, from, to, bound, rng);
    ++attempts;
    EXPECT_LE(outcome.pulses(), bound);
    EXPECT_GE(outcome.pulses(), 1u);
    EXPECT_EQ(outcome.verify_reads, outcome.pulses());
    EXPECT_EQ(array.write_counts()[row * 4 + col] - writes_before, outcome.pulses());
    reached += outcome.verified;
  }
  EXPECT_GT(reached, attempts / 5);  // targets within reach of the bound are mostly reached
  EXPECT_LT(reached, attempts);      // far ones cannot be
}

TEST(LevelProgrammer, StuckDeviceExhaustsTheBoundWithoutVerifying) {
  DeviceOptions options;
  options.stuck_at_low = 1.0;
  SynapseArray array = make_array(1, 1, 8, 0.0, 1.0, 1, options);
  Rng rng(7);
  const ProgramOutcome outcome = program_to_level(array, 0, 0, 0, 5, 6, rng);
  EXPECT_EQ(outcome.pulses(), 6u);
  EXPECT_EQ(outcome.ineffective_pulses, 6u);
  EXPECT_FALSE(outcome.verified);
  EXPECT_EQ(read_level(array, 0, 0, rng), 0u);
}

// ---------------------------------------------------------------------------------------
// The analog-input crossbar read

TEST(AnalogRead, IdealReadIsTheMatrixVectorProduct) {
  const SynapseArray array = make_array(300, 7, 16, 0.05);
  std::vector<float> x(300);
  Rng rng(8);
  for (size_t i = 0; i < x.size(); ++i) x[i] = i % 3 == 0 ? 0.0f : static_cast<float>(rng.uniform());
  TileGrid grid;
  grid.tile_rows = 128;
  grid.tile_cols = 4;
  AnalogLayerReader reader(grid, AdcSpec{});
  std::vector<float> out(7);
  reader.read(array, x.data(), out.data());
  for (size_t j = 0; j < 7; ++j) {
    double expected = 0;
    for (size_t i = 0; i < 300; ++i) expected += x[i] * array.weight(i, j);
    EXPECT_NEAR(out[j], expected, 1e-3);
  }
  ASSERT_EQ(reader.driven_per_tile().size(), 3u);  // three row tiles, a third of the rows idle
  EXPECT_EQ(reader.driven_per_tile()[0] + reader.driven_per_tile()[1] + reader.driven_per_tile()[2], 200u);
}

TEST(AnalogRead, EachRowTileIsConvertedOnItsOwn) {
  const SynapseArray array = make_array(256, 3, 16, 0.05);
  std::vector<float> x(256, 0.5f);
  AdcSpec adc;
  adc.bits = 6;
  adc.full_scale = 8.0;
  TileGrid grid;
  grid.tile_rows = 128;
  AnalogLayerReader reader(grid, adc);
  std::vector<float> out(3), partial(3), expected(3, 0.0f);
  reader.read(array, x.data(), out.data());
  const Adc converter(adc);
  std::vector<uint32_t> rows[2];
  for (uint32_t i = 0; i < 256; ++i) rows[i / 128].push_back(i);
  for (const auto& tile : rows) {
    analog_tile_partial_sums(array, tile.data(), tile.data() + tile.size(), x.data(), 0, 3, converter,
                             partial.data());
    for (size_t j = 0; j < 3; ++j) {
      EXPECT_FLOAT_EQ(partial[j] / converter.step(), std::round(partial[j] / converter.step()));  // a code
      expected[j] += partial[j];
    }
  }
  for (size_t j = 0; j < 3; ++j) EXPECT_FLOAT_EQ(out[j], expected[j]);
}

TEST(AnalogRead, TransposedReadIsTheTransposedProduct) {
  const SynapseArray array = make_array(40, 10, 16, 0.05);
  const std::vector<float> y = {0.5f, -1.0f, 0.0f, 0.25f, 0.0f, -0.125f, 1.0f, 0.0f, 0.0f, 0.75f};
  TileGrid grid;
  grid.tile_rows = 16;
  grid.tile_cols = 4;  // three column tiles, combined in order
  AnalogLayerReader reader(grid, AdcSpec{});
  std::vector<float> out(40);
  reader.read_transposed(array, y.data(), out.data());
  for (size_t i = 0; i < 40; ++i) {
    double expected = 0;
    for (size_t j = 0; j < 10; ++j) expected += array.weight(i, j) * y[j];
    EXPECT_NEAR(out[i], expected, 1e-5);
  }
  EXPECT_EQ(reader.driven_per_tile(), (std::vector<size_t>{3, 2, 1}));
}

// ---------------------------------------------------------------------------------------
// The quantized perceptron

// Class c lights a horizontal band of eight rows starting at row 4c, with random dropout.
std::vector<uint8_t> band_image(int label, Rng& rng) {
  std::vector<uint8_t> image(784, 0);
  for (int row = 4 * label; row < 4 * label + 8; ++row)
    for (int col = 2; col < 26; ++col)
      if (rng.uniform() < 0.7) image[row * 28 + col] = static_cast<uint8_t>(100 + rng.below(156));
  return image;
}

double train_and_test(QuantizedPerceptron& network, int train_samples, int classes = 4) {
  Rng data(11);
  for (int i = 0; i < train_samples; ++i) network.run_sample(band_image(i % classes, data).data(), {}, i % classes);
  int correct = 0;
  for (int i = 0; i < 200; ++i)
    correct += network.run_sample(band_image(i % classes, data).data(), {}, -1).prediction == i % classes;
  return correct / 200.0;
}

TEST(QuantizedPerceptron, LearnsASeparableTaskWithEitherOptimizer) {
  for (const char* optimizer : {"adam", "sgd"}) {
    QnnParams params = default_params();
    params.optimizer.kind = parse_optimizer(optimizer);
    params.optimizer.lr = std::string(optimizer) == "sgd" ? 2.0 : 0.02;
    params.batch = 4;
    QuantizedPerceptron network(small_qnn_config(32), params, 784, 4, 1);
    EXPECT_GE(train_and_test(network, 400), 0.9) << optimizer;
  }
}

TEST(QuantizedPerceptron, ResetsTheOptimizerAtATaskSwitchOnlyWhenAsked) {
  for (bool reset : {false, true}) {
    QnnParams params = default_params();
    params.batch = 4;
    params.reset_optimizer_at_task = reset;
    QuantizedPerceptron network(small_qnn_config(8), params, 784, 4, 5);
    network.begin_task(0);
    train_and_test(network, 40);
    const uint64_t steps = network.optimizer(0).steps();
    ASSERT_EQ(steps, 10u);
    network.begin_task(1);
    EXPECT_EQ(network.optimizer(0).steps(), reset ? 0u : steps) << reset;
    EXPECT_EQ(network.optimizer(1).steps(), reset ? 0u : steps) << reset;
  }
  EXPECT_FALSE(default_params().reset_optimizer_at_task);  // today's behaviour unless a preset says
}

TEST(QuantizedPerceptron, EachTaskTrainsAtItsOwnLearningRate) {
  QnnParams params = default_params();
  params.lr_task_divisor = 4;
  QuantizedPerceptron network(small_qnn_config(8), params, 784, 4, 6);
  for (size_t task = 0; task < 3; ++task) {
    network.begin_task(task);
    EXPECT_DOUBLE_EQ(network.optimizer(0).learning_rate(), 0.005 / std::pow(4.0, task)) << task;
    EXPECT_DOUBLE_EQ(network.optimizer(1).learning_rate(), 0.005 / std::pow(4.0, task)) << task;
  }
  // The rate is the step: Adam's first step after a reset is the task's learning rate.
  OptimizerParams adam;
  HiddenOptimizer optimizer(1, adam);
  optimizer.set_learning_rate(0.001);
  std::vector<float> g = {2.0f}, delta(1);
  optimizer.begin_step();
  optimizer.deltas(g.data(), 1.0f, delta.data(), 1);
  EXPECT_NEAR(delta[0], -0.001, 1e-7);
}

// Task 1 relabels task 0's images (class c becomes 3 - c): with a head per task, each
// task's columns learn only while it is current, and a test reads the head it names.
TEST(QuantizedPerceptron, PerTaskHeadsTrainOnlyTheCurrentTasksColumns) {
  QnnParams params = default_params();
  params.batch = 4;
  params.optimizer.lr = 0.02;
  params.head_per_task = true;
  QuantizedPerceptron network(small_qnn_config(32), params, 784, 4, 8, 2);
  ASSERT_EQ(network.heads(), 2u);
  ASSERT_EQ(network.array(1).cols(), 8u);
  auto head_weights = [&](size_t head) {
    std::vector<float> w;
    const auto& all = network.hidden_weights(1);
    for (size_t row = 0; row < network.array(1).rows(); ++row)
      for (size_t k = 0; k < 4; ++k) w.push_back(all[row * 8 + head * 4 + k]);
    return w;
  };
  auto train = [&](size_t task) {
    network.begin_task(task);
    Rng data(20 + task);
    for (int i = 0; i < 400; ++i) {
      const int c = i % 4;
      network.run_sample(band_image(c, data).data(), {}, task == 0 ? c : 3 - c);
    }
  };
  auto accuracy_on_task0_labels = [&](size_t head) {
    network.begin_test(head);
    Rng data(30);
    int correct = 0;
    for (int i = 0; i < 100; ++i) correct += network.run_sample(band_image(i % 4, data).data(), {}, -1).prediction == i % 4;
    return correct / 100.0;
  };
  const std::vector<float> untrained_head1 = head_weights(1);
  train(0);
  EXPECT_EQ(head_weights(1), untrained_head1);  // not even momentum moves another task's head
  const std::vector<float> head0 = head_weights(0);
  train(1);
  EXPECT_EQ(head_weights(0), head0);
  // The backward pass drives only the current head's bit lines.
  const std::vector<float>& drive = network.error_drive();
  EXPECT_TRUE(std::all_of(drive.begin(), drive.begin() + 4, [](float d) { return d == 0.0f; }));
  EXPECT_TRUE(std::any_of(drive.begin() + 4, drive.end(), [](float d) { return d != 0.0f; }));
  EXPECT_NE(head_weights(1), untrained_head1);
  EXPECT_GE(accuracy_on_task0_labels(0), 0.9);  // head 0 still reads task 0's classes
  EXPECT_LE(accuracy_on_task0_labels(1), 0.1);  // head 1 answers with task 1's labels
  EXPECT_NE(error_of([&] { network.begin_task(2); }).find("qnn.heads: per_task built 2 output heads, task 3"),
            std::string::npos);
}

TEST(QuantizedPerceptron, SharedHeadsIgnoreTheTaskCountAndPerTaskHeadsRefuseNormalizedLogits) {
  QuantizedPerceptron shared(small_qnn_config(8), default_params(), 784, 4, 1, 3);
  EXPECT_EQ(shared.heads(), 1u);
  EXPECT_EQ(shared.array(1).cols(), 4u);
  QnnParams params = default_params();
  params.head_per_task = true;
  params.norm = NormMode::per_task;
  params.norm_layer[1] = true;
  EXPECT_NE(error_of([&] { QuantizedPerceptron(small_qnn_config(8), params, 784, 4, 1, 2); }).find("qnn.norm_layers"),
            std::string::npos);
}

TEST(QuantizedPerceptron, DevicesHoldTheLevelsTheirHiddenWeightsRoundTo) {
  QnnParams params = default_params();
  params.batch = 4;
  QuantizedPerceptron network(small_qnn_config(16), params, 784, 4, 2);
  train_and_test(network, 120);
  for (unsigned layer = 0; layer < 2; ++layer) {
    const auto& hidden = network.hidden_weights(layer);
    const auto& levels = network.programmed_levels(layer);
    for (size_t s = 0; s < hidden.size(); ++s) ASSERT_EQ(levels[s], network.grid(layer).nearest(hidden[s])) << s;
  }
  EXPECT_GT(network.activity().reprogram_events, 0u);
}

TEST(QuantizedPerceptron, ReprogramsOnlyWhenTheLevelChanges) {
  // Noiseless devices and open-loop programming: every pulse is one level of change the
  // unit asked for, and a synapse whose level did not change receives none.
  Config config = small_qnn_config(16);
  config.set("device.levels", json{{"count", 16}, {"sigma_frac", 0.0}});
  QnnParams params = default_params();
  params.verify_max_pulses = 0;
  params.batch = 1;
  QuantizedPerceptron network(config, params, 784, 4, 3);
  Rng data(12);
  for (int i = 0; i < 60; ++i) {
    const std::vector<uint16_t> before[2] = {network.programmed_levels(0), network.programmed_levels(1)};
    const std::vector<uint32_t> writes_before[2] = {network.array(0).write_counts(), network.array(1).write_counts()};
    const uint64_t events_before = network.activity().reprogram_events;
    network.run_sample(band_image(i % 4, data).data(), {}, i % 4);
    uint64_t changed = 0;
    for (unsigned layer = 0; layer < 2; ++layer) {
      const auto& after = network.programmed_levels(layer);
      const auto& writes = network.array(layer).write_counts();
      for (size_t s = 0; s < after.size(); ++s) {
        const uint32_t distance = after[s] > before[layer][s] ? after[s] - before[layer][s] : before[layer][s] - after[s];
        ASSERT_EQ(writes[s] - writes_before[layer][s], distance) << "layer " << layer << " synapse " << s;
        changed += distance > 0;
      }
    }
    EXPECT_EQ(network.activity().reprogram_events - events_before, changed);
  }
  EXPECT_GT(network.activity().reprogram_events, 0u);
  EXPECT_EQ(network.activity().verify_reads, 0u);
}

TEST(QuantizedPerceptron, HiddenWeightsChangeOnlyAtTheEndOfAMiniBatch) {
  QnnParams params = default_params();
  params.batch = 5;
  QuantizedPerceptron network(small_qnn_config(8), params, 784, 4, 4);
  Rng data(13);
  const std::vector<float> initial = network.hidden_weights(0);
  for (int i = 0; i < 4; ++i) network.run_sample(band_image(i % 4, data).data(), {}, i % 4);
  EXPECT_EQ(network.hidden_weights(0), initial);
  EXPECT_EQ(network.activity().optimizer_steps, 0u);
  network.run_sample(band_image(0, data).data(), {}, 0);
  EXPECT_NE(network.hidden_weights(0), initial);
  EXPECT_EQ(network.activity().optimizer_steps, 2u);  // one per layer
  // A partial batch is applied when a new task begins.
  network.run_sample(band_image(1, data).data(), {}, 1);
  const std::vector<float> before_task = network.hidden_weights(0);
  network.begin_task(1);
  EXPECT_NE(network.hidden_weights(0), before_task);
  EXPECT_EQ(network.activity().optimizer_steps, 4u);
}

TEST(QuantizedPerceptron, InferenceDoesNotLearn) {
  QuantizedPerceptron network(small_qnn_config(16), default_params(), 784, 4, 5);
  Rng data(14);
  const std::vector<float> weights = network.array(0).weights(), hidden = network.hidden_weights(0);
  for (int i = 0; i < 30; ++i) network.run_sample(band_image(i % 4, data).data(), {}, -1);
  EXPECT_EQ(network.array(0).weights(), weights);
  EXPECT_EQ(network.hidden_weights(0), hidden);
  EXPECT_EQ(network.activity().pulses(), 0u);
  EXPECT_EQ(network.activity().inference_samples, 30u);
}

TEST(QuantizedPerceptron, SameSeedSameWeightsBitForBit) {
  QnnParams params = default_params();
  params.batch = 4;
  std::vector<float> runs[3][2];
  for (int run = 0; run < 3; ++run) {
    QuantizedPerceptron network(small_qnn_config(24), params, 784, 4, run == 2 ? 8 : 7);
    train_and_test(network, 80);
    runs[run][0] = network.array(0).weights();
    runs[run][1] = network.hidden_weights(0);
  }
  EXPECT_EQ(runs[0][0], runs[1][0]);
  EXPECT_EQ(runs[0][1], runs[1][1]);
  EXPECT_NE(runs[0][0], runs[2][0]);
}

TEST(QuantizedPerceptron, MetaplasticityAttenuatesStepsAndHoldsLevels) {
  // The same training with the gate off and on: only the gated run attenuates steps, and it
  // rewrites its devices less often.
  uint64_t events[2], attenuations[2];
  for (int meta = 0; meta < 2; ++meta) {
    QnnParams params = default_params();
    params.meta_m = meta ? 6.0 : 0.0;
    params.batch = 4;
    QuantizedPerceptron network(small_qnn_config(16), params, 784, 4, 9);
    train_and_test(network, 200);
    events[meta] = network.activity().reprogram_events;
    attenuations[meta] = network.activity().meta_attenuations;
  }
  EXPECT_EQ(attenuations[0], 0u);
  EXPECT_GT(attenuations[1], 0u);
  EXPECT_LT(events[1], events[0]);
}

TEST(QuantizedPerceptron, HingeLossLeavesSamplesBeyondTheMarginAlone) {
  QnnParams params = default_params();
  params.loss = parse_loss("hinge");
  params.margin = 1.0;
  params.output_gain = 0.5;  // logits wide enough that trained samples clear the margin
  params.batch = 4;
  QuantizedPerceptron network(small_qnn_config(32), params, 784, 4, 12);
  EXPECT_GE(train_and_test(network, 600), 0.9);
  // On a sample far beyond the margin every output error is exactly zero.
  Rng data(15);
  size_t silent = 0;
  for (int i = 0; i < 40; ++i) {
    const int label = i % 4;
    network.run_sample(band_image(label, data).data(), {}, label);
    bool beyond = true;
    for (size_t k = 0; k < 4; ++k) {
      const float y = static_cast<int>(k) == label ? 1.0f : -1.0f;
      beyond = beyond && y * network.logits()[k] >= 1.0f;
    }
    if (!beyond) continue;
    ++silent;
    for (float e : network.output_error()) EXPECT_EQ(e, 0.0f);
  }
  EXPECT_GT(silent, 0u);
  EXPECT_NE(error_of([] { parse_loss("l1"); }).find("qnn.loss"), std::string::npos);
}

TEST(QuantizedPerceptron, StatisticsReportUpdatesAndMemory) {
  QnnParams params = default_params();
  params.hidden_bits = 12;
  params.batch = 4;
  QuantizedPerceptron network(small_qnn_config(16), params, 784, 4, 10);
  train_and_test(network, 50);
  const json stats = network.statistics();
  for (const char* key : {"write_pulses", "max_writes_per_device", "mean_writes_per_device", "reprogram_events",
                          "verify_reads"})
    EXPECT_TRUE(stats["updates"].contains(key)) << key;
  EXPECT_EQ(stats["updates"]["write_pulses"].get<uint64_t>(), network.activity().pulses());
  EXPECT_GT(stats["updates"]["write_pulses"].get<uint64_t>(), 0u);
  EXPECT_GE(stats["updates"]["verify_reads"].get<uint64_t>(), stats["updates"]["reprogram_events"].get<uint64_t>());
  // 785x16 + 17x4 synapses (bias rows), each 12 + 64 (Adam) + 32 (gradient buffer) bits.
  const uint64_t synapses = 785 * 16 + 17 * 4;
  EXPECT_EQ(stats["memory_bits"]["synapses"].get<uint64_t>(), synapses);
  EXPECT_EQ(stats["memory_bits"]["total"].get<uint64_t>(), synapses * (12 + 64 + 32));
  uint64_t pulses = 0;
  for (unsigned layer = 0; layer < 2; ++layer)
    for (uint32_t w : network.array(layer).write_counts()) pulses += w;
  EXPECT_EQ(pulses, network.activity().pulses());
}

TEST(QuantizedPerceptron, RejectsBadInputs) {
  QuantizedPerceptron network(small_qnn_config(4), default_params(), 784, 4, 1);
  std::vector<uint8_t> image(784, 0);
  EXPECT_NE(error_of([&] { network.run_sample(image.data(), {}, 4); }), "");
  EXPECT_NE(error_of([&] { network.run_sample(image.data(), std::vector<uint16_t>(10), 0); }), "");
  Config seven = small_qnn_config(4);
  seven.set("device.n_mem", 7);
  EXPECT_NE(error_of([&] { QuantizedPerceptron bad(seven, 784, 4, 1); }).find("device.n_mem"), std::string::npos);
}

// ---------------------------------------------------------------------------------------
// Configuration

TEST(QnnSchema, KeysHaveDefaultsRangesAndDocs) {
  Schema schema;
  add_qnn_keys(schema);
  EXPECT_GE(schema.keys().size(), 15u);
  for (const ConfigKey& key : schema.keys()) {
    EXPECT_EQ(key.path.rfind("qnn.", 0), 0u) << key.path;
    EXPECT_FALSE(key.doc.empty()) << key.path;
    EXPECT_FALSE(key.default_value.is_null()) << key.path;
  }
  const QnnParams params = default_params();  // the published optimizer (SPEC §2)
  EXPECT_EQ(params.optimizer.kind, OptimizerKind::adam);
  EXPECT_DOUBLE_EQ(params.optimizer.lr, 0.005);
  EXPECT_DOUBLE_EQ(params.optimizer.beta1, 0.9);
  EXPECT_DOUBLE_EQ(params.optimizer.beta2, 0.999);
  EXPECT_GE(params.meta_m, 2.0);
  EXPECT_LE(params.meta_m, 4.0);
}

TEST(QnnSchema, RunConfigRejectsBadValuesNamingTheKey) {
  EXPECT_NE(error_of([] { Config::from_json(json{{"qnn", {{"optimizer", "rmsprop"}}}}, "t"); }).find("qnn.optimizer"),
            std::string::npos);
  EXPECT_NE(error_of([] { Config::from_json(json{{"qnn", {{"batch", 0}}}}, "t"); }).find("qnn.batch"),
            std::string::npos);
  EXPECT_NE(error_of([] { Config::from_json(json{{"qnn", {{"lr_task_divisor", 0}}}}, "t"); })
                .find("qnn.lr_task_divisor"),
            std::string::npos);
  EXPECT_NE(error_of([] { Config::from_json(json{{"qnn", {{"reset_optimizer_at_task", 1}}}}, "t"); })
                .find("qnn.reset_optimizer_at_task"),
            std::string::npos);
  EXPECT_NE(error_of([] { Config::from_json(json{{"memory", {{"hidden_bits", 40}}}}, "t"); }).find("memory.hidden_bits"),
            std::string::npos);
}

TEST(QnnSchema, PresetsLoadAndDifferOnlyInMetaplasticity) {
  const std::string dir = std::string(MX_SOURCE_DIR) + "/configs/paper/";
  const Config meta = Config::from_file(dir + "mnist_fmnist_qnn_meta.json");
  const Config nometa = Config::from_file(dir + "mnist_fmnist_qnn_nometa.json");
  EXPECT_EQ(meta.get_string("network.kind"), "qnn");
  EXPECT_EQ(meta.get_string("task.kind"), "sequence");
  EXPECT_GT(meta.get_double("qnn.meta_m"), 0.0);
  EXPECT_EQ(nometa.get_double("qnn.meta_m"), 0.0);
  json a = meta.resolved(), b = nometa.resolved();
  for (json* document : {&a, &b}) {
    (*document)["qnn"].erase("meta_m");
    document->erase("description");
  }
  EXPECT_EQ(a, b);
}

TEST(QnnSchema, PresetsAreValidJsonWithTheSequenceTask) {
  // Independent of the run schema: the files parse and name the System B setting.
  for (const char* name : {"mnist_fmnist_qnn_meta.json", "mnist_fmnist_qnn_nometa.json"}) {
    std::ifstream in(std::string(MX_SOURCE_DIR) + "/configs/paper/" + name);
    ASSERT_TRUE(in.good()) << name;
    const json preset = json::parse(in);
    EXPECT_EQ(preset["network"]["kind"], "qnn") << name;
    EXPECT_EQ(preset["task"]["kind"], "sequence") << name;
    EXPECT_EQ(preset["device"]["n_mem"], 1) << name;
  }
}

// ---------------------------------------------------------------------------------------
// A few hundred real digits

TEST(QuantizedPerceptron, LearnsMnistDigitsAboveChance) {
  const std::string dir = std::string(MX_SOURCE_DIR) + "/data/mnist";
  if (!std::filesystem::exists(dir + "/train-images-idx3-ubyte.gz") &&
      !std::filesystem::exists(dir + "/train-images-idx3-ubyte"))
    GTEST_SKIP() << "data/mnist is absent (tools/setup.sh converts it)";
  const Dataset mnist = load_dataset(dir, "mnist");
  SelectionOptions selection;
  selection.train_samples = 600;
  selection.test_samples = 300;
  const std::vector<Task> tasks = build_dataset_sequence({&mnist}, selection, 1);
  QnnParams params = default_params();
  params.batch = 8;
  QuantizedPerceptron network(small_qnn_config(64), params, mnist.pixels(), 10, 1);
  network.begin_task(0);
  for (int epoch = 0; epoch < 3; ++epoch)
    for (const Sample& sample : tasks[0].train) network.run_sample(mnist.train_image(sample.index), {}, sample.target);
  size_t correct = 0;
  for (const Sample& sample : tasks[0].test)
    correct += network.run_sample(mnist.test_image(sample.index), {}, -1).prediction == sample.target;
  EXPECT_GT(static_cast<double>(correct) / tasks[0].test.size(), 0.6);  // chance is 0.1
}

}  // namespace
}  // namespace mx
