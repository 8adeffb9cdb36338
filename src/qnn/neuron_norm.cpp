#include "qnn/neuron_norm.h"

#include <algorithm>
#include <cmath>

namespace mx {

namespace {
constexpr float kVarianceFloor = 1e-5f;  // a neuron that never varies is not blown up
}

NeuronNorm::NeuronNorm(size_t neurons, const NormParams& params, const OptimizerParams& optimizer)
    : params_(params), optimizer_(2 * neurons, optimizer) {
  live_.mean.assign(neurons, 0.0f);
  live_.variance.assign(neurons, 1.0f);
  live_.gamma_beta.assign(2 * neurons, static_cast<float>(params.shift));
  std::fill_n(live_.gamma_beta.begin(), neurons, static_cast<float>(params.gain));
  gradient_.assign(2 * neurons, 0.0f);
  step_.resize(2 * neurons);
  normalized_.resize(neurons);
  inverse_std_.resize(neurons);
}

void NeuronNorm::forward(float* x, bool training) {
  const size_t n = neurons();
  const State& state = training ? live_ : *inference_;
  const float momentum = static_cast<float>(params_.momentum);
  for (size_t j = 0; j < n; ++j) {
    if (training) {
      // Exponentially weighted mean and variance, updated together from one sample.
      const float d = x[j] - live_.mean[j];
      live_.mean[j] += momentum * d;
      live_.variance[j] = (1.0f - momentum) * (live_.variance[j] + momentum * d * d);
    }
    inverse_std_[j] = 1.0f / std::sqrt(state.variance[j] + kVarianceFloor);
    normalized_[j] = (x[j] - state.mean[j]) * inverse_std_[j];
    x[j] = state.gamma_beta[j] * normalized_[j] + state.gamma_beta[n + j];
  }
}

void NeuronNorm::backward(float* error) {
  const size_t n = neurons();
  for (size_t j = 0; j < n; ++j) {
    const float e = error[j];
    gradient_[j] += e * normalized_[j];
    gradient_[n + j] += e;
    error[j] = e * live_.gamma_beta[j] * inverse_std_[j];
  }
}

void NeuronNorm::update(float inverse_batch) {
  optimizer_.begin_step();
  optimizer_.deltas(gradient_.data(), inverse_batch, step_.data(), step_.size());
  for (size_t k = 0; k < step_.size(); ++k) live_.gamma_beta[k] += step_[k];
}

void NeuronNorm::save_task(size_t task) {
  if (saved_.size() <= task) saved_.resize(task + 1);
  saved_[task] = live_;
  inference_ = &live_;  // the vector may have moved
}

void NeuronNorm::use_for_inference(size_t task) {
  inference_ = task < saved_.size() && !saved_[task].mean.empty() ? &saved_[task] : &live_;
}

}  // namespace mx
