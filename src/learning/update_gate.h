#pragma once
// The stochastic gate of probabilistic metaplasticity: a candidate update is applied when a
// random number falls under its p_update (SPEC §1.4). The reference draws one uniform
// number per layer per update event and compares it with every candidate's p; a chip can
// also draw per post-neuron or per synapse. Which source the numbers come from is the
// on-chip RNG's business; the gate only needs "a fresh draw" and "does p pass it".
#include <cstdint>
#include <string>

#include "common/random.h"

namespace mx {

enum class DrawPolicy { layer, post, synapse };
DrawPolicy parse_draw_policy(const std::string& name);

class UpdateGate {
 public:
  explicit UpdateGate(uint64_t seed) : rng_(seed) {}
  void draw() {
    r_ = rng_.uniform();
    ++draws_;
  }
  // The reference's comparison: update iff r <= p.
  bool passes(double p) const { return r_ <= p; }
  uint64_t draws() const { return draws_; }

 private:
  Rng rng_;
  double r_ = 0;
  uint64_t draws_ = 0;
};

}  // namespace mx
