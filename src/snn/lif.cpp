#include "snn/lif.h"

#include <algorithm>

namespace mx {

LifPopulation::LifPopulation(size_t size, const LifParams& params)
    : params_(params),
      syn_rate_(1.0f / params.tau_syn),
      mem_rate_(1.0f / params.tau_m),
      floor_(-params.v_th / 10.0f),
      current_(size),
      potential_(size),
      last_spike_(size) {
  reset();
}

void LifPopulation::reset() {
  std::fill(current_.begin(), current_.end(), 0.0f);
  std::fill(potential_.begin(), potential_.end(), 0.0f);
  // As in the reference, "last spike" starts at -refractory, so step 0 is still held.
  std::fill(last_spike_.begin(), last_spike_.end(), -params_.refractory_steps);
}

void LifPopulation::step(const float* drive, int t, std::vector<uint32_t>& spikes) {
  const size_t n = current_.size();
  float* __restrict current = current_.data();
  float* __restrict potential = potential_.data();
  for (size_t i = 0; i < n; ++i) {
    current[i] += syn_rate_ * (drive[i] - current[i]);
    float v = potential[i] + mem_rate_ * (params_.r * current[i] - potential[i]);
    potential[i] = v < floor_ ? floor_ : v;
  }
  for (size_t i = 0; i < n; ++i) {
    if (t - last_spike_[i] <= params_.refractory_steps) {
      potential[i] = 0.0f;
    } else if (potential[i] >= params_.v_th) {
      potential[i] = 0.0f;
      last_spike_[i] = t;
      spikes.push_back(static_cast<uint32_t>(i));
    }
  }
}

}  // namespace mx
