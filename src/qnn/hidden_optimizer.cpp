#include "qnn/hidden_optimizer.h"

#include <algorithm>

#include "common/error.h"

namespace mx {

FixedPoint::FixedPoint(unsigned bits, double range) : bits_(bits), range_(static_cast<float>(range)) {
  // A float holds every code of up to 24 bits exactly, so the stored value is the code.
  if (bits > 24) throw Error("memory.hidden_bits: expected an integer in [0, 24], got " + std::to_string(bits));
  if (!(range > 0) || !std::isfinite(range))
    throw Error("qnn.hidden_range: expected a finite number > 0, got " + std::to_string(range));
  if (bits == 0) return;
  const double half_codes = std::ldexp(1.0, static_cast<int>(bits) - 1);
  lsb_ = static_cast<float>(range / half_codes);
  inverse_lsb_ = static_cast<float>(half_codes / range);
  max_code_ = static_cast<float>(half_codes - 1);
}

OptimizerKind parse_optimizer(const std::string& name) {
  if (name == "adam") return OptimizerKind::adam;
  if (name == "sgd") return OptimizerKind::sgd;
  throw Error("qnn.optimizer: expected adam | sgd, got \"" + name + "\"");
}

HiddenOptimizer::HiddenOptimizer(size_t weights, const OptimizerParams& params)
    : params_(params),
      lr_now_(params.lr),
      lr_(static_cast<float>(params.lr)),
      beta1_(static_cast<float>(params.beta1)),
      beta2_(static_cast<float>(params.beta2)),
      eps_(static_cast<float>(params.eps)) {
  if (params_.kind == OptimizerKind::adam) {
    m_.assign(weights, 0.0f);
    v_.assign(weights, 0.0f);
  }
}

void HiddenOptimizer::reset() {
  std::fill(m_.begin(), m_.end(), 0.0f);
  std::fill(v_.begin(), v_.end(), 0.0f);
  t_ = 0;
}

void HiddenOptimizer::set_learning_rate(double lr) {
  lr_now_ = lr;
  lr_ = static_cast<float>(lr);
}

void HiddenOptimizer::begin_step() {
  ++t_;
  if (params_.kind != OptimizerKind::adam) return;
  // Adam's bias corrections folded into one step size and one divisor per update.
  const double c1 = 1.0 - std::pow(params_.beta1, static_cast<double>(t_));
  const double c2 = 1.0 - std::pow(params_.beta2, static_cast<double>(t_));
  step_size_ = static_cast<float>(lr_now_ / c1);
  inverse_correction2_ = static_cast<float>(1.0 / std::sqrt(c2));
}

void HiddenOptimizer::deltas(float* __restrict g, float inverse_batch, float* __restrict delta, size_t n) {
  // Straight loops over plain arrays, so the compiler can vectorize the per-weight maths.
  if (params_.kind == OptimizerKind::sgd) {
    const float scale = -lr_ * inverse_batch;
    for (size_t i = 0; i < n; ++i) {
      delta[i] = scale * g[i];
      g[i] = 0.0f;
    }
    return;
  }
  float* __restrict m = m_.data();
  float* __restrict v = v_.data();
  const float b1 = beta1_, b2 = beta2_, a1 = 1.0f - beta1_, a2 = 1.0f - beta2_;
  const float step = -step_size_, correction = inverse_correction2_, eps = eps_;
  for (size_t i = 0; i < n; ++i) {
    const float gi = g[i] * inverse_batch;
    g[i] = 0.0f;
    m[i] = b1 * m[i] + a1 * gi;
    v[i] = b2 * v[i] + a2 * gi * gi;
    delta[i] = step * m[i] / (std::sqrt(v[i]) * correction + eps);
  }
}

}  // namespace mx
