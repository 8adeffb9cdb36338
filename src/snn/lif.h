#pragma once
// A population of leaky integrate-and-fire neurons, stepped with dt = 1 (SPEC §1.2):
//   I += (drive - I) / tau_syn;  V += (-V + R I) / tau_m;  V >= -V_th/10;
//   held at 0 within `refractory` steps of the last spike; V >= V_th -> spike, V = 0.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace mx {

struct LifParams {
  float tau_syn = 10, tau_m = 15, r = 1, v_th = 1;
  int refractory_steps = 4;
};

class LifPopulation {
 public:
  LifPopulation(size_t size, const LifParams& params);
  void reset();
  // `drive` = W·s of this step (one value per neuron); appends spiking neurons to `spikes`.
  void step(const float* __restrict drive, int t, std::vector<uint32_t>& spikes) {
    step_range(drive, t, 0, size(), spikes);
  }
  // Neurons [begin, end) only (a neuron core's share; the update is element-wise, so stepping
  // the ranges of a partition in order is the whole step): appends their spikes, by index.
  void step_range(const float* __restrict drive, int t, size_t begin, size_t end, std::vector<uint32_t>& spikes);

  size_t size() const { return current_.size(); }
  const float* current() const { return current_.data(); }
  const float* potential() const { return potential_.data(); }
  const LifParams& params() const { return params_; }

 private:
  LifParams params_;
  float syn_rate_, mem_rate_, floor_;
  std::vector<float> current_, potential_;
  std::vector<int32_t> last_spike_;
  std::vector<int32_t> fired_;  // this step's firing mask
};

}  // namespace mx
