#include "snn/trace.h"

#include <algorithm>

namespace mx {

ActivityTraces::ActivityTraces(size_t size, float tau, int max_steps) : value_(size, 0.0f), last_step_(size, -1) {
  decay_pow_.resize(static_cast<size_t>(max_steps) + 1);
  float power = 1.0f;
  for (auto& d : decay_pow_) d = power, power *= (1.0f - 1.0f / tau);
}

void ActivityTraces::reset() {
  for (uint32_t i : touched_) value_[i] = 0.0f, last_step_[i] = -1;
  touched_.clear();
}

void ActivityTraces::on_spikes(const std::vector<uint32_t>& spikes, int t) {
  for (uint32_t i : spikes) {
    if (last_step_[i] < 0) {
      touched_.push_back(i);
      value_[i] = 1.0f;
    } else {
      value_[i] = value_[i] * decay_pow_[t - last_step_[i]] + 1.0f;
    }
    last_step_[i] = t;
  }
}

void ActivityTraces::finish(int last_step) {
  for (uint32_t i : touched_) {
    value_[i] *= decay_pow_[last_step - last_step_[i]];
    last_step_[i] = last_step;
  }
}

}  // namespace mx
