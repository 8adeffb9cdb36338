#pragma once
// The error path of eRBP (SPEC §1.3): per output a false-positive and a false-negative error
// neuron driven by (output spike - target spike), and error compartments U that integrate
// their spikes — directly for the outputs, through a fixed random feedback matrix B for
// the hidden neurons.
#include <cstdint>
#include <vector>

#include "common/random.h"

namespace mx {

struct ErrorParams {
  float tau = 10, gain = 25, v_th = 2.5f, floor = -0.25f;
  float compartment_tau = 15, compartment_gain = 5;
  float feedback_scale = 0.15f;
  bool leaky_compartments = false;  // the gradient-accumulation baseline lets U leak
};

class ErrorUnit {
 public:
  ErrorUnit(size_t outputs, size_t hidden, const ErrorParams& params, uint64_t feedback_seed);
  void reset();
  // One step: output spikes (sorted indices) against this step's target spikes.
  // Returns true when any error neuron fired (U changed other than by leak).
  bool step(const std::vector<uint32_t>& output_spikes, const std::vector<uint8_t>& target_spikes);

  float* hidden_u() { return hidden_u_.data(); }
  float* output_u() { return output_u_.data(); }
  const std::vector<float>& feedback() const { return feedback_; }  // hidden x outputs
  uint64_t error_spikes() const { return error_spikes_; }

 private:
  ErrorParams params_;
  size_t outputs_, hidden_;
  std::vector<float> feedback_;
  std::vector<float> false_positive_v_, false_negative_v_;
  std::vector<float> hidden_u_, output_u_;
  std::vector<float> error_signal_;  // e1 - e2 per output, this step
  uint64_t error_spikes_ = 0;
};

}  // namespace mx
