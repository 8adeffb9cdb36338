#pragma once
// The digital unit's storage and arithmetic for System B's hidden weights (SPEC §2): a
// fixed-point word per synapse, and the optimizer that proposes each mini-batch's change
// to it (Adam with its two moment words per synapse, or plain SGD with none).
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace mx {

// Two's-complement fixed point over [−range, range): 2^bits codes, lsb = range / 2^(bits−1).
// bits = 0 stores a float (costed as 32 bits). Rounding is to nearest, so a step smaller
// than half an lsb is lost — the precision of the metaplastic storage is a real limit.
class FixedPoint {
 public:
  FixedPoint(unsigned bits, double range);

  float quantize(float v) const {
    if (!(v > -range_)) return -range_;  // NaN lands on an end, never undefined behaviour
    if (bits_ == 0) return v < range_ ? v : range_;
    float code = std::nearbyint(v * inverse_lsb_);
    if (code > max_code_) code = max_code_;
    return code * lsb_;
  }
  unsigned bits() const { return bits_; }
  unsigned storage_bits() const { return bits_ ? bits_ : 32; }
  float lsb() const { return lsb_; }  // 0 for float storage
  float range() const { return range_; }

 private:
  unsigned bits_;
  float range_, lsb_ = 0, inverse_lsb_ = 0, max_code_ = 0;
};

enum class OptimizerKind { adam, sgd };
OptimizerKind parse_optimizer(const std::string& name);

struct OptimizerParams {
  OptimizerKind kind = OptimizerKind::adam;
  double lr = 0.005;
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
};

class HiddenOptimizer {
 public:
  HiddenOptimizer(size_t weights, const OptimizerParams& params);

  // Call once per mini-batch update, before the deltas.
  void begin_step();
  // Forgets the moments and restarts the bias corrections, as a freshly made optimizer
  // would start (a new task, when qnn.reset_optimizer_at_task is set).
  void reset();
  // The learning rate from the next step on (a task's own rate, qnn.lr_task_divisor).
  void set_learning_rate(double lr);
  double learning_rate() const { return lr_now_; }
  // The proposed changes of all n hidden weights for the mini-batch gradient sums `g`
  // (scaled by `inverse_batch`), into `delta`; the sums are cleared for the next batch.
  void deltas(float* g, float inverse_batch, float* delta, size_t n);
  // Per-synapse state words the optimizer keeps (Adam: first and second moment).
  unsigned state_words() const { return params_.kind == OptimizerKind::adam ? 2 : 0; }
  // Whether a weight with zero gradient still moves (Adam's momentum does).
  bool moves_without_gradient() const { return params_.kind == OptimizerKind::adam; }
  uint64_t steps() const { return t_; }  // since construction or the last reset
  const OptimizerParams& params() const { return params_; }

 private:
  OptimizerParams params_;
  double lr_now_;
  float lr_, beta1_, beta2_, eps_;
  std::vector<float> m_, v_;
  uint64_t t_ = 0;
  float step_size_ = 0, inverse_correction2_ = 1;
};

}  // namespace mx
