#pragma once
// The auxiliary-memory baseline (SPEC §1.5): each synapse keeps a high-precision
// accumulator a in SRAM. On every presynaptic spike into an eligible post-neuron (the same
// eligibility as §1.3: |U| above its threshold and the current inside the boxcar; here U
// leaks and is not reset) a += -lr U exp(-m |W|); when |a| reaches a_th the device moves
// one level toward sign(a) and a is cleared.
#include <vector>

#include "learning/learning_rule.h"

namespace mx {

struct GradAccParams {
  EligibilityParams eligibility[2];
  MetaplasticParams meta[2];
  float lr[2] = {0.7f, 0.007f};
  float a_th[2] = {0.8f, 0.06f};
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
  float accumulator(unsigned layer, uint32_t pre, uint32_t post) const {
    return accumulator_[layer][pre * posts_[layer] + post];
  }

 private:
  void refresh_p(unsigned layer, uint32_t pre, uint32_t post);

  GradAccParams params_;
  size_t posts_[2];
  const SynapseArray* arrays_[2] = {nullptr, nullptr};
  std::vector<float> accumulator_[2];
  std::vector<float> p_cache_[2];  // exp(-m |W|), refreshed when m or W changes
  std::vector<float> coefficient_;  // -lr U per post-neuron this step (0 when not eligible)
};

}  // namespace mx
