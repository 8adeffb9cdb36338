#include "snn/lif.h"

#include "common/vectorize.h"

#include <algorithm>

namespace mx {

LifPopulation::LifPopulation(size_t size, const LifParams& params)
    : params_(params),
      syn_rate_(1.0f / params.tau_syn),
      mem_rate_(1.0f / params.tau_m),
      floor_(-params.v_th / 10.0f),
      current_(size),
      potential_(size),
      last_spike_(size),
      fired_(size) {
  reset();
}

void LifPopulation::reset() {
  std::fill(current_.begin(), current_.end(), 0.0f);
  std::fill(potential_.begin(), potential_.end(), 0.0f);
  // As in the reference, "last spike" starts at -refractory, so step 0 is still held.
  std::fill(last_spike_.begin(), last_spike_.end(), -params_.refractory_steps);
}

// Branch-free so it vectorises: the state update, the refractory hold and the firing test
// are lane masks of the same width as the state; spiking neurons are then gathered without
// a data-dependent branch.
MX_VECTOR_CLONES
void LifPopulation::step_range(const float* __restrict drive, int t, size_t begin, size_t end,
                               std::vector<uint32_t>& spikes) {
  const size_t n = end - begin;
  drive += begin;
  float* __restrict current = current_.data() + begin;
  float* __restrict potential = potential_.data() + begin;
  int32_t* __restrict last_spike = last_spike_.data() + begin;
  int32_t* __restrict fired = fired_.data() + begin;
  const float v_th = params_.v_th, r = params_.r, floor = floor_;
  const int32_t refractory = params_.refractory_steps;
  for (size_t i = 0; i < n; ++i) {
    const float c = current[i] + syn_rate_ * (drive[i] - current[i]);
    current[i] = c;
    const float v = potential[i] + mem_rate_ * (r * c - potential[i]);
    potential[i] = v < floor ? floor : v;
  }
  for (size_t i = 0; i < n; ++i) {
    const int32_t held = (t - last_spike[i]) <= refractory;
    const int32_t fire = (1 - held) & (potential[i] >= v_th);
    potential[i] = (held | fire) ? 0.0f : potential[i];
    last_spike[i] = fire ? t : last_spike[i];
    fired[i] = fire;
  }
  const size_t start = spikes.size();
  spikes.resize(start + n);
  uint32_t* out = spikes.data() + start;
  size_t count = 0;
  for (size_t i = 0; i < n; ++i) {
    out[count] = static_cast<uint32_t>(begin + i);
    count += static_cast<size_t>(fired[i]);
  }
  spikes.resize(start + count);
}

}  // namespace mx
