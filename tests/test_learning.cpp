#include <gtest/gtest.h>

#include <cmath>

#include "config/config.h"
#include "learning/grad_accumulation.h"
#include "learning/metaplastic_state.h"
#include "learning/prob_metaplasticity.h"

using namespace mx;

namespace {

SynapseArray make_array(size_t rows, size_t cols, unsigned n_mem = 1, uint64_t seed = 1) {
  DeviceOptions options;
  options.n_mem = n_mem;
  options.w_max = 3.0;
  Rng rng(seed);
  return SynapseArray(rows, cols, LevelTable::generate(8, 10, 100, 0.0, true), options, rng);
}

ProbMetaParams prob_params(float u_th = 0.4f) {
  ProbMetaParams params;
  for (auto& e : params.eligibility) e = {u_th, -4, 4};
  for (auto& m : params.meta) m = {5.0f, 2.0f, 0.5f, 10.0f, MSharing::synapse, 8};
  return params;
}

}  // namespace

TEST(MetaplasticState, GrowsOnlyWhereBothTracesPassAndClips) {
  MetaplasticState meta(2, 2, {5.0f, 2.0f, 0.004f, 0.01f, MSharing::synapse, 8});
  const std::vector<float> pre = {6.0f, 1.0f}, post = {3.0f, 0.5f};
  const std::vector<uint32_t> pre_active = {0, 1}, post_active = {0, 1};
  EXPECT_EQ(meta.grow(pre, pre_active, post, post_active), 1u);
  EXPECT_FLOAT_EQ(meta.m(0, 0), 0.004f);
  EXPECT_FLOAT_EQ(meta.m(0, 1), 0.0f);
  EXPECT_FLOAT_EQ(meta.m(1, 0), 0.0f);
  for (int i = 0; i < 5; ++i) meta.grow(pre, pre_active, post, post_active);
  EXPECT_FLOAT_EQ(meta.m(0, 0), 0.01f);  // clipped at m_max
}

TEST(MetaplasticState, SharedVariantsUseBlockMeans) {
  const std::vector<float> pre = {6.0f, 6.0f, 0.0f, 0.0f}, post = {3.0f, 3.0f};
  const std::vector<uint32_t> all4 = {0, 1, 2, 3}, all2 = {0, 1};
  MetaplasticState layer(4, 2, {5.0f, 2.0f, 1.0f, 10.0f, MSharing::layer, 8});
  layer.grow(pre, all4, post, all2);  // mean pre trace 3 < 5: no growth
  EXPECT_FLOAT_EQ(layer.m(0, 0), 0.0f);
  EXPECT_EQ(layer.cell_count(), 1u);
  MetaplasticState module(4, 2, {5.0f, 2.0f, 1.0f, 10.0f, MSharing::module, 2});
  module.grow(pre, all4, post, all2);  // block {0,1} mean 6 > 5; block {2,3} mean 0
  EXPECT_FLOAT_EQ(module.m(1, 1), 1.0f);
  EXPECT_FLOAT_EQ(module.m(2, 0), 0.0f);
  EXPECT_EQ(module.cell_count(), 4u);
  MetaplasticState post_shared(4, 2, {1.0f, 2.0f, 1.0f, 10.0f, MSharing::post, 8});
  post_shared.grow(pre, all4, post, all2);  // mean pre 3 > 1
  EXPECT_FLOAT_EQ(post_shared.m(3, 1), 1.0f);
  EXPECT_EQ(post_shared.cell_count(), 2u);
}

TEST(ProbMetaplasticity, PUpdateIsExpOfMinusMTimesAbsW) {
  SynapseArray array = make_array(2, 2);
  ProbMetaplasticity rule(prob_params(), 2, 2, 2, 7);
  EXPECT_DOUBLE_EQ(rule.p_update(0, array, 0, 1), 1.0);  // m starts at 0
  const std::vector<float> pre = {6.0f, 0.0f}, post = {0.0f, 3.0f};
  rule.end_sample(0, pre, {0, 1}, post, {0, 1});  // m(0,1) = 0.5
  rule.end_sample(0, pre, {0, 1}, post, {0, 1});  // m(0,1) = 1.0
  const double w = array.weight(0, 1);
  EXPECT_NEAR(rule.p_update(0, array, 0, 1), std::exp(-1.0 * std::fabs(w)), 1e-12);
  EXPECT_DOUBLE_EQ(rule.p_update(0, array, 1, 0), 1.0);
}

TEST(ProbMetaplasticity, EligibleNeuronsMoveAgainstTheirErrorAndResetU) {
  SynapseArray array = make_array(3, 3);
  ProbMetaplasticity rule(prob_params(0.4f), 3, 3, 3, 7);
  const float currents[3] = {0.0f, 0.0f, 5.0f};  // neuron 2 is outside the boxcar
  float u[3] = {0.5f, -0.6f, 0.9f};
  const std::vector<uint32_t> pre_spikes = {0, 2};
  LayerStep step{0, &array, currents, u, &pre_spikes};
  WriteBatch batch;
  rule.on_step(step, batch);
  ASSERT_EQ(batch.moves.size(), 4u);  // posts {0, 1} x pres {0, 2}; m = 0 so p = 1
  for (const auto& move : batch.moves) EXPECT_EQ(move.direction, move.post == 0 ? -1 : +1);
  EXPECT_FLOAT_EQ(u[0], 0.0f);
  EXPECT_FLOAT_EQ(u[1], 0.0f);
  EXPECT_FLOAT_EQ(u[2], 0.9f);
  EXPECT_EQ(rule.activity().rng_draws, 1u);  // one draw per layer per update event
}

TEST(ProbMetaplasticity, NoPresynapticSpikeMeansNoUpdateAndNoReset) {
  SynapseArray array = make_array(2, 2);
  ProbMetaplasticity rule(prob_params(), 2, 2, 2, 7);
  const float currents[2] = {0, 0};
  float u[2] = {1.0f, 1.0f};
  const std::vector<uint32_t> none;
  WriteBatch batch;
  rule.on_step(LayerStep{0, &array, currents, u, &none}, batch);
  EXPECT_TRUE(batch.moves.empty());
  EXPECT_FLOAT_EQ(u[0], 1.0f);
}

TEST(ProbMetaplasticity, ConsolidatedSynapsesRarelyMove) {
  // m at its ceiling on a strongly weighted synapse: p = exp(-10 |W|) is tiny.
  SynapseArray array = make_array(1, 1);
  ProbMetaParams params = prob_params();
  params.meta[0].dm = 10.0f;
  ProbMetaplasticity rule(params, 1, 1, 1, 11);
  rule.end_sample(0, {6.0f}, {0}, {3.0f}, {0});
  const double p = rule.p_update(0, array, 0, 0);
  ASSERT_NEAR(p, std::exp(-10.0 * std::fabs(array.weight(0, 0))), 1e-12);
  const float current = 0;
  const std::vector<uint32_t> pre = {0};
  size_t moved = 0;
  const int trials = 20000;
  for (int i = 0; i < trials; ++i) {
    float u = 1.0f;
    WriteBatch batch;
    rule.on_step(LayerStep{0, &array, &current, &u, &pre}, batch);
    moved += batch.moves.size();
  }
  EXPECT_NEAR(moved / double(trials), p, 4 * std::sqrt(p / trials) + 1e-4);
}

TEST(ProbMetaplasticity, RoundRobinAdvancesPerUpdateEvent) {
  SynapseArray array = make_array(1, 1, 3);
  ProbMetaplasticity rule(prob_params(), 1, 1, 1, 1);
  const float current = 0;
  const std::vector<uint32_t> pre = {0};
  std::vector<unsigned> devices;
  for (int i = 0; i < 4; ++i) {
    float u = 1.0f;
    WriteBatch batch;
    rule.on_step(LayerStep{0, &array, &current, &u, &pre}, batch);
    devices.push_back(batch.device);
  }
  EXPECT_EQ(devices, (std::vector<unsigned>{1, 2, 0, 1}));  // the counter advances before use
}

TEST(ProbMetaplasticity, DecayingAblationDividesGlobalP) {
  ProbMetaParams params = prob_params();
  params.ablation = Ablation::decaying;
  params.decay_divisor = 5;
  SynapseArray array = make_array(1, 1);
  ProbMetaplasticity rule(params, 1, 1, 1, 1);
  rule.begin_task(0);
  EXPECT_DOUBLE_EQ(rule.p_update(0, array, 0, 0), 1.0);
  rule.begin_task(1);
  rule.begin_task(2);
  EXPECT_DOUBLE_EQ(rule.p_update(0, array, 0, 0), 1.0 / 25);
}

TEST(GradientAccumulation, AccumulatesAndMovesWhenThresholdIsReached) {
  SynapseArray array = make_array(2, 1);
  GradAccParams params;
  for (auto& e : params.eligibility) e = {0.0f, -4, 4};
  for (auto& m : params.meta) m = {5.0f, 2.0f, 0.0f, 10.0f, MSharing::synapse, 8};
  params.lr[0] = 0.5f;
  params.a_th[0] = 1.0f;
  GradientAccumulation rule(params, 2, 1, 1);
  rule.bind(0, &array);
  const float current = 0;
  float u = 0.8f;  // a += -0.5 * 0.8 * p(=1) = -0.4 per presynaptic spike
  const std::vector<uint32_t> pre = {1};
  WriteBatch batch;
  rule.on_step(LayerStep{0, &array, &current, &u, &pre}, batch);
  EXPECT_TRUE(batch.moves.empty());
  EXPECT_NEAR(rule.accumulator(0, 1, 0), -0.4f, 1e-6);
  EXPECT_FLOAT_EQ(rule.accumulator(0, 0, 0), 0.0f);  // no spike from pre 0
  rule.on_step(LayerStep{0, &array, &current, &u, &pre}, batch);
  EXPECT_TRUE(batch.moves.empty());
  rule.on_step(LayerStep{0, &array, &current, &u, &pre}, batch);  // -1.2 crosses -1
  ASSERT_EQ(batch.moves.size(), 1u);
  EXPECT_EQ(batch.moves[0].direction, -1);
  EXPECT_FLOAT_EQ(rule.accumulator(0, 1, 0), 0.0f);
  EXPECT_FLOAT_EQ(u, 0.8f);  // the baseline does not reset U
  EXPECT_EQ(rule.activity().acc_updates, 3u);
}

namespace {

GradAccParams grad_acc_params(float lr, float a_th) {
  GradAccParams params;
  for (auto& e : params.eligibility) e = {0.0f, -4, 4};
  for (auto& m : params.meta) m = {5.0f, 2.0f, 0.0f, 10.0f, MSharing::synapse, 8};
  params.lr[0] = lr;
  params.a_th[0] = a_th;
  return params;
}

}  // namespace

TEST(GradientAccumulation, AccumulatorsStartEverySampleAtZero) {
  // The authors' scripts create the accumulators per training sample: what did not reach
  // a_th within a sample never adds to the next one.
  SynapseArray array = make_array(2, 1);
  GradientAccumulation rule(grad_acc_params(0.5f, 1.0f), 2, 1, 1);
  rule.bind(0, &array);
  const float current = 0;
  float u = 0.8f;
  const std::vector<uint32_t> pre = {1};
  const std::vector<float> no_trace = {0.0f, 0.0f};
  const std::vector<uint32_t> none;
  WriteBatch batch;
  for (int sample = 0; sample < 3; ++sample) {
    rule.on_step(LayerStep{0, &array, &current, &u, &pre}, batch);
    rule.on_step(LayerStep{0, &array, &current, &u, &pre}, batch);  // -0.8, below -1
    EXPECT_TRUE(batch.moves.empty());
    EXPECT_NEAR(rule.accumulator(0, 1, 0), -0.8f, 1e-6);
    rule.end_sample(0, no_trace, none, {0.0f}, none);
    EXPECT_FLOAT_EQ(rule.accumulator(0, 1, 0), 0.0f);
  }
}

TEST(GradientAccumulation, FirstCrossingWritesDeviceZero) {
  SynapseArray array = make_array(1, 1, 3);
  GradientAccumulation rule(grad_acc_params(1.0f, 0.5f), 1, 1, 1);
  rule.bind(0, &array);
  const float current = 0;
  const std::vector<uint32_t> pre = {0};
  std::vector<unsigned> devices;
  for (int i = 0; i < 4; ++i) {
    float u = 1.0f;  // crosses every step
    WriteBatch batch;
    rule.on_step(LayerStep{0, &array, &current, &u, &pre}, batch);
    ASSERT_EQ(batch.moves.size(), 1u);
    devices.push_back(batch.device);
    rule.after_program(array, batch);
  }
  EXPECT_EQ(devices, (std::vector<unsigned>{0, 1, 2, 0}));  // counter % n_mem, then advance
}

TEST(ProgramBatch, CountsSetAndResetPulses) {
  SynapseArray array = make_array(1, 2);
  WriteBatch batch;
  batch.moves = {{0, 0, +1}, {0, 1, -1}};
  Rng rng(1);
  LearningActivity activity;
  program_batch(array, batch, WriteVerify{}, rng, activity);
  EXPECT_EQ(activity.set_pulses, 1u);
  EXPECT_EQ(activity.reset_pulses, 1u);
  EXPECT_EQ(array.write_counts()[0] + array.write_counts()[1], 2u);
}
