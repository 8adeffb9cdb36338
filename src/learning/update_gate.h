#pragma once
// The stochastic gate of probabilistic metaplasticity: a candidate update is applied when a
// random number falls under its p_update (SPEC §1.4). The reference draws one uniform
// number per layer per update event and compares it with every candidate's p; a chip can
// also draw per post-neuron or per synapse. The numbers come from the on-chip RNG kernel
// (HwRng: LFSR, xorshift, TRNG, or the ideal software reference), and p is held with the
// resolution of the controller's p_update table before the comparison.
#include <cmath>
#include <cstdint>
#include <string>

#include "hw/hw_rng.h"

namespace mx {

enum class DrawPolicy { layer, post, synapse };
DrawPolicy parse_draw_policy(const std::string& name);

struct GateSpec {
  HwRngSpec rng;
  unsigned p_bits = 0;  // resolution of the p_update lookup table; 0 = exact
};

class UpdateGate {
 public:
  UpdateGate(const GateSpec& spec, uint64_t seed)
      : rng_(spec.rng, seed), ideal_(spec.rng.kind == RngKind::ideal), p_bits_(spec.p_bits),
        p_scale_(std::ldexp(1.0, static_cast<int>(spec.p_bits))) {}

  void draw() {
    if (ideal_) unit_ = rng_.draw_unit();
    else word_ = rng_.draw();
  }
  // The table rounds p down (never grants more updates than the rule asks for).
  double table_p(double p) const { return p_bits_ ? std::floor(p * p_scale_) / p_scale_ : p; }
  bool passes(double p) const {
    const double q = table_p(p);
    return ideal_ ? ideal_gate_passes(unit_, q) : gate_passes(word_, rng_.bits(), q);
  }
  uint64_t draws() const { return rng_.draws(); }
  const HwRng& rng() const { return rng_; }

 private:
  HwRng rng_;
  bool ideal_;
  unsigned p_bits_;
  double p_scale_;
  double unit_ = 0;
  uint32_t word_ = 0;
};

}  // namespace mx
