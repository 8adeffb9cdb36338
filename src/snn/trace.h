#pragma once
// Activity traces X += s - X/tau per step (SPEC §1.2), kept lazily: a trace is touched only
// when its neuron spikes and decayed to the end of the sample on request, so their cost
// follows the spikes, not the population size.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace mx {

class ActivityTraces {
 public:
  ActivityTraces(size_t size, float tau, int max_steps);
  void reset();
  void on_spikes(const std::vector<uint32_t>& spikes, int t);
  // Values after step `last_step` (the sample's final step).
  void finish(int last_step);
  const std::vector<float>& values() const { return value_; }
  // Neurons with a non-zero trace this sample (the only ones that can pass a threshold).
  const std::vector<uint32_t>& active() const { return touched_; }

 private:
  std::vector<float> decay_pow_;  // (1 - 1/tau)^k
  std::vector<float> value_;
  std::vector<int> last_step_;
  std::vector<uint32_t> touched_;
};

}  // namespace mx
