#pragma once
// A per-neuron normalization in System B's digital unit, as the metaplastic BNNs put a batch
// normalization after each layer (Laborieux et al. 2021): each neuron's input is centred and
// scaled by running estimates of its mean and variance, then scaled and shifted by a learned
// gamma and beta. The unit sees one sample at a time, so the statistics are running ones in
// training as well as in inference, and no gradient flows through them.
//
// With per-task state, each task keeps the statistics, gamma and beta it ended its training
// with, and its test set is run with them — the BNN code's scenario, which needs the task's
// identity at inference.
#include <cstddef>
#include <vector>

#include "qnn/hidden_optimizer.h"

namespace mx {

struct NormParams {
  double momentum = 0.01;  // weight of each training sample in the running statistics
  double gain = 0.5, shift = 0;  // initial gamma and beta
};

class NeuronNorm {
 public:
  NeuronNorm(size_t neurons, const NormParams& params, const OptimizerParams& optimizer);

  size_t neurons() const { return live_.mean.size(); }
  // In place. Training: the running statistics take in `x` first; inference: the state
  // chosen by use_for_inference.
  void forward(float* x, bool training);
  // In place, after a training forward: the error with respect to the outputs becomes the
  // error with respect to the inputs, and gamma's and beta's gradients are accumulated.
  void backward(float* error);
  // One optimizer step of gamma and beta from the accumulated gradients (cleared).
  void update(float inverse_batch);

  // The live state becomes task `task`'s saved state.
  void save_task(size_t task);
  // Inference from now on uses task `task`'s saved state, or the live one if it has none.
  void use_for_inference(size_t task);
  void use_live_for_inference() { inference_ = &live_; }
  size_t saved_tasks() const { return saved_.size(); }

  // 32-bit words per neuron of one state: mean, variance, gamma, beta.
  static constexpr unsigned kStateWords = 4;
  // Words per neuron that learning gamma and beta adds: their gradient sums and the
  // optimizer's moments.
  unsigned training_words() const { return 2 * (1 + optimizer_.state_words()); }
  // Words the unit holds: the live state, every saved one, and the training words.
  uint64_t storage_words() const {
    return neurons() * (kStateWords * (1 + saved_.size()) + training_words());
  }
  // Gamma's and beta's optimizer, which follows the hidden weights' per-task reset and rate.
  HiddenOptimizer& optimizer() { return optimizer_; }
  const HiddenOptimizer& optimizer() const { return optimizer_; }

 private:
  struct State {
    std::vector<float> mean, variance;
    std::vector<float> gamma_beta;  // gamma of every neuron, then beta: one optimizer for both
  };
  NormParams params_;
  State live_;
  std::vector<State> saved_;
  const State* inference_ = &live_;
  HiddenOptimizer optimizer_;
  std::vector<float> gradient_, step_, normalized_, inverse_std_;
};

}  // namespace mx
