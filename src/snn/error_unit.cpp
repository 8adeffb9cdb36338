#include "snn/error_unit.h"

#include <algorithm>

namespace mx {

ErrorUnit::ErrorUnit(size_t outputs, size_t hidden, const ErrorParams& params, uint64_t feedback_seed)
    : params_(params),
      outputs_(outputs),
      hidden_(hidden),
      feedback_(hidden * outputs),
      false_positive_v_(outputs),
      false_negative_v_(outputs),
      hidden_u_(hidden),
      output_u_(outputs),
      error_signal_(outputs) {
  Rng feedback_rng(feedback_seed);
  for (auto& b : feedback_)
    b = static_cast<float>((feedback_rng.uniform() * 2.0 - 1.0) * params_.feedback_scale);
  reset();
}

void ErrorUnit::reset() {
  std::fill(false_positive_v_.begin(), false_positive_v_.end(), 0.0f);
  std::fill(false_negative_v_.begin(), false_negative_v_.end(), 0.0f);
  std::fill(hidden_u_.begin(), hidden_u_.end(), 0.0f);
  std::fill(output_u_.begin(), output_u_.end(), 0.0f);
}

bool ErrorUnit::step(const std::vector<uint32_t>& output_spikes, const std::vector<uint8_t>& target_spikes) {
  const float error_rate = params_.gain / params_.tau;
  const float u_rate = 1.0f / params_.compartment_tau;
  bool fired = false;
  size_t next_spike = 0;
  for (size_t k = 0; k < outputs_; ++k) {
    const bool out = next_spike < output_spikes.size() && output_spikes[next_spike] == k;
    if (out) ++next_spike;
    const float error = static_cast<float>(out) - static_cast<float>(target_spikes[k]);
    float& fp = false_positive_v_[k];
    float& fn = false_negative_v_[k];
    fp = std::max(params_.floor, fp + error_rate * error);
    fn = std::max(params_.floor, fn - error_rate * error);
    float signal = 0.0f;
    if (fp >= params_.v_th) fp -= params_.v_th, signal += 1.0f, fired = true, ++error_spikes_;
    if (fn >= params_.v_th) fn -= params_.v_th, signal -= 1.0f, fired = true, ++error_spikes_;
    error_signal_[k] = signal;
  }
  if (params_.leaky_compartments) {
    for (auto& u : hidden_u_) u -= u * u_rate;
    for (auto& u : output_u_) u -= u * u_rate;
  }
  if (!fired) return false;
  const float gain = u_rate * params_.compartment_gain;
  for (size_t k = 0; k < outputs_; ++k) {
    if (error_signal_[k] == 0.0f) continue;
    output_u_[k] += gain * error_signal_[k];
  }
  for (size_t h = 0; h < hidden_; ++h) {
    float feedback = 0.0f;
    for (size_t k = 0; k < outputs_; ++k) feedback += feedback_[h * outputs_ + k] * error_signal_[k];
    hidden_u_[h] += gain * feedback;
  }
  return true;
}

}  // namespace mx
