#pragma once
// The auxiliary-memory baseline (SPEC §1.5) as the authors' Table 1 grad-acc scripts run it:
// each synapse keeps a high-precision accumulator a in SRAM. On every presynaptic spike into
// an eligible post-neuron (current inside the boxcar; U leaks with the compartment's time
// constant and is never reset by an update) a += -lr U exp(-m |W|), m and W as they are at
// that step; when |a| reaches a_th the device moves one level toward sign(a) and a is cleared.
// The accumulators live for one training sample: the scripts create them at zero for every
// sample, so what did not reach a_th within a sample is dropped rather than carried into the
// next one (carrying it multiplies writes, and with them forgetting). The device a layer's
// crossings program starts at device 0 and advances once per layer-step with a crossing.
// The accumulators live in a SlicedState (one slice per tile, or per layer; learning/
// state_store.h): each candidate's read-modify-write is one read and one write of its
// slice. The kernel adds c * p over whole row segments (c = 0 off the eligible posts) so it
// vectorises, but counts only the candidates' words, which is what the SRAM is asked for.
// Clearing them at the sample's end is the array's reset, not word accesses: neither timed
// nor charged. p = exp(-m |W|) is cached per synapse from uncounted peeks of m; the chip is
// charged (and the m slices count) one m read per accumulator update, as if it read m there.
#include <memory>
#include <vector>

#include "learning/learning_rule.h"

namespace mx {

struct GradAccParams {
  EligibilityParams eligibility[2];
  MetaplasticParams meta[2];
  float lr[2] = {0.7f, 0.007f};
  float a_th[2] = {0.8f, 0.06f};
  StateLayout state;  // how m and the accumulators are sliced
};

class GradientAccumulation : public LearningRule {
 public:
  GradientAccumulation(const GradAccParams& params, size_t inputs, size_t hidden, size_t outputs);
  std::string name() const override { return "grad_acc"; }
  bool leaky_compartments() const override { return true; }
  void on_step(const LayerStep& step, WriteBatch& batch) override;
  void after_program(const SynapseArray& array, const WriteBatch& batch) override;
  void end_sample(unsigned layer, const std::vector<float>& pre_trace, const std::vector<uint32_t>& pre_active,
                  const std::vector<float>& post_trace, const std::vector<uint32_t>& post_active) override;

  // The run's synapse arrays, so p = exp(-m |W|) can be cached per synapse.
  void bind(unsigned layer, const SynapseArray* array) { arrays_[layer] = array; }
  float accumulator(unsigned layer, uint32_t pre, uint32_t post) const { return accumulator_[layer]->peek(pre, post); }
  SlicedState* accumulator_store(unsigned layer) override { return accumulator_[layer].get(); }

 private:
  void refresh_p(unsigned layer, uint32_t pre, uint32_t post);

  GradAccParams params_;
  size_t posts_[2];
  const SynapseArray* arrays_[2] = {nullptr, nullptr};
  std::unique_ptr<SlicedState> accumulator_[2];
  // Rows (pre-neurons) accumulated into during this sample, so clearing is O(touched).
  std::vector<uint32_t> touched_[2];
  std::vector<uint8_t> row_touched_[2];
  uint64_t next_device_[2] = {0, 0};
  std::vector<float> p_cache_[2];  // exp(-m |W|), refreshed when m or W changes
  std::vector<float> coefficient_;  // -lr U per post-neuron this step (0 when not eligible)
  // Eligible posts per column slice of the accumulators and of m, this layer-step.
  std::vector<uint64_t> eligible_acc_, eligible_m_;
};

}  // namespace mx
