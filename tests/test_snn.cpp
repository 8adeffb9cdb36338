#include <gtest/gtest.h>

#include <cmath>

#include "snn/encoder.h"
#include "snn/error_unit.h"
#include "snn/lif.h"
#include "snn/trace.h"

using namespace mx;

TEST(Lif, HiddenNeuronStepsMatchHandComputation) {
  LifPopulation neurons(1, LifParams{10, 15, 1, 1.0f, 4});
  std::vector<uint32_t> spikes;
  const float drive = 5.0f;
  neurons.step(&drive, 0, spikes);
  EXPECT_FLOAT_EQ(neurons.current()[0], 0.5f);  // 0 + (5 - 0) / 10
  EXPECT_FLOAT_EQ(neurons.potential()[0], 0.0f);  // step 0 is still refractory (last spike = -4)
  neurons.step(&drive, 1, spikes);
  EXPECT_FLOAT_EQ(neurons.current()[0], 0.95f);            // 0.5 + (5 - 0.5) / 10
  EXPECT_NEAR(neurons.potential()[0], 0.95f / 15, 1e-7);   // 0 + (1 * 0.95 - 0) / 15
  neurons.step(&drive, 2, spikes);
  const float i2 = 0.95f + (5.0f - 0.95f) / 10;
  const float v2 = 0.95f / 15 + (i2 - 0.95f / 15) / 15;
  EXPECT_NEAR(neurons.current()[0], i2, 1e-6);
  EXPECT_NEAR(neurons.potential()[0], v2, 1e-6);
  EXPECT_TRUE(spikes.empty());
}

TEST(Lif, SpikesResetAndRefractoryHoldsFourSteps) {
  LifPopulation neurons(1, LifParams{10, 15, 1, 1.0f, 4});
  std::vector<uint32_t> spikes;
  std::vector<int> times;
  const float drive = 1000.0f;
  for (int t = 0; t < 12; ++t) {
    spikes.clear();
    neurons.step(&drive, t, spikes);
    if (!spikes.empty()) times.push_back(t);
  }
  EXPECT_EQ(times, (std::vector<int>{1, 6, 11}));
}

// Neuron cores each step their own range of a layer; in order, the ranges are the whole step.
TEST(Lif, SteppingAPartitionInOrderIsTheWholeStep) {
  const LifParams params{10, 15, 1, 1.0f, 4};
  LifPopulation whole(101, params), parts(101, params);
  std::vector<float> drive(101);
  for (size_t i = 0; i < drive.size(); ++i) drive[i] = static_cast<float>((i * 37) % 23) - 4.0f;
  for (int t = 0; t < 30; ++t) {
    std::vector<uint32_t> expected, got;
    whole.step(drive.data(), t, expected);
    for (size_t begin : {0, 33, 34, 100}) {
      const size_t end = begin == 0 ? 33 : begin == 33 ? 34 : begin == 34 ? 100 : 101;
      parts.step_range(drive.data(), t, begin, end, got);
    }
    ASSERT_EQ(got, expected) << "step " << t;
    for (size_t i = 0; i < drive.size(); ++i) {
      ASSERT_EQ(parts.potential()[i], whole.potential()[i]);
      ASSERT_EQ(parts.current()[i], whole.current()[i]);
    }
  }
}

TEST(Lif, PotentialFloorIsMinusTenthOfThreshold) {
  LifPopulation neurons(1, LifParams{25, 25, 5, 2.0f, 4});
  std::vector<uint32_t> spikes;
  const float drive = -1000.0f;
  for (int t = 0; t < 10; ++t) neurons.step(&drive, t, spikes);
  EXPECT_FLOAT_EQ(neurons.potential()[0], -0.2f);
}

TEST(ErrorUnit, FalsePositiveSpikeDrivesCompartments) {
  ErrorParams params;
  ErrorUnit unit(2, 3, params, 42);
  const std::vector<uint32_t> output_spikes = {0};
  const std::vector<uint8_t> targets = {0, 0};
  EXPECT_TRUE(unit.step(output_spikes, targets));
  // V1 += 25/10 * 1 = 2.5 reaches 2.5: one false-positive spike; U += 5/15 * (e1 - e2).
  EXPECT_NEAR(unit.output_u()[0], 5.0f / 15, 1e-6);
  EXPECT_FLOAT_EQ(unit.output_u()[1], 0.0f);
  for (size_t h = 0; h < 3; ++h) {
    const float b = unit.feedback()[h * 2 + 0];
    EXPECT_LE(std::fabs(b), 0.15f);
    EXPECT_NEAR(unit.hidden_u()[h], 5.0f / 15 * b, 1e-6);
  }
}

TEST(ErrorUnit, FalseNegativeAccumulatesWithFloor) {
  ErrorUnit unit(1, 1, ErrorParams{}, 1);
  const std::vector<uint32_t> silent;
  const std::vector<uint8_t> target = {1};
  // Missing target spike: V2 += 2.5 -> fires at once, output U goes negative.
  EXPECT_TRUE(unit.step(silent, target));
  EXPECT_NEAR(unit.output_u()[0], -5.0f / 15, 1e-6);
  // V1 was pushed to its floor -0.25, so one false positive only brings it to 2.25 ...
  const std::vector<uint32_t> spike = {0};
  const std::vector<uint8_t> none = {0};
  EXPECT_FALSE(unit.step(spike, none));
  EXPECT_NEAR(unit.output_u()[0], -5.0f / 15, 1e-6);
  // ... and a second one fires it (4.75 -> 2.25 after subtracting 2.5), cancelling U.
  EXPECT_TRUE(unit.step(spike, none));
  EXPECT_NEAR(unit.output_u()[0], 0.0f, 1e-6);
  // No error: nothing fires and U stays (no leak in System A).
  EXPECT_FALSE(unit.step(silent, none));
  EXPECT_NEAR(unit.output_u()[0], 0.0f, 1e-6);
}

TEST(ErrorUnit, LeakyCompartmentsDecay) {
  ErrorParams params;
  params.leaky_compartments = true;
  ErrorUnit unit(1, 1, params, 1);
  unit.step({0}, {0});
  const float u0 = unit.output_u()[0];
  unit.step({}, {0});
  EXPECT_NEAR(unit.output_u()[0], u0 * (1 - 1.0f / 15), 1e-6);
}

TEST(Encoder, RateFollowsPixelValue) {
  std::vector<uint8_t> image(784, 0);
  image[10] = 255;  // p = 0.25 per step
  image[20] = 51;   // p = 0.05 per step
  PoissonEncoder encoder(784, 250, 1e-3);
  encoder.load(image.data(), {});
  Rng rng(1);
  size_t count10 = 0, count20 = 0, other = 0;
  const int steps = 100000;
  for (int t = 0; t < steps; ++t) {
    std::vector<uint32_t> spikes;
    encoder.step(rng, spikes);
    for (uint32_t i : spikes) (i == 10 ? count10 : i == 20 ? count20 : other)++;
  }
  EXPECT_NEAR(count10 / double(steps), 0.25, 0.005);
  EXPECT_NEAR(count20 / double(steps), 0.05, 0.003);
  EXPECT_EQ(other, 0u);
}

TEST(Encoder, PermutationMovesPixels) {
  std::vector<uint8_t> image(4, 0);
  image[3] = 255;
  std::vector<uint16_t> permutation = {3, 0, 1, 2};  // presented pixel 0 = original pixel 3
  PoissonEncoder encoder(4, 1000, 1e-3);            // p = 1: always spikes
  encoder.load(image.data(), permutation);
  Rng rng(2);
  std::vector<uint32_t> spikes;
  encoder.step(rng, spikes);
  EXPECT_EQ(spikes, (std::vector<uint32_t>{0}));
}

TEST(ActivityTraces, LazyTracesEqualStepwiseDefinition) {
  const int steps = 150;
  ActivityTraces traces(3, 25.0f, steps);
  std::vector<double> stepwise(3, 0.0);
  Rng rng(3);
  for (int t = 0; t < steps; ++t) {
    std::vector<uint32_t> spikes;
    for (uint32_t i = 0; i < 2; ++i)  // neuron 2 never spikes
      if (rng.uniform() < 0.2 * (i + 1)) spikes.push_back(i);
    traces.on_spikes(spikes, t);
    for (uint32_t i = 0; i < 3; ++i) {
      const bool s = std::find(spikes.begin(), spikes.end(), i) != spikes.end();
      stepwise[i] += (s ? 1.0 : 0.0) - stepwise[i] / 25.0;
    }
  }
  traces.finish(steps - 1);
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(traces.values()[i], stepwise[i], 1e-4) << i;
  EXPECT_EQ(traces.active().size(), 2u);
  traces.reset();
  EXPECT_FLOAT_EQ(traces.values()[0], 0.0f);
}
