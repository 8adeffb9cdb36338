#pragma once
// Conductance drift after a write: g(t) = g0 · ((t + t0) / t0)^-ν, t the time since the
// device was last programmed, ν drawn per device at every write from a normal whose mean and
// spread depend on the programmed conductance (interpolated in ln g between the table's
// lowest and highest level). The power law and its conductance-dependent exponent are the
// drift model of Joshi et al., Nat. Commun. 11, 2473 (2020), the one aihwkit's PCM
// inference model implements; docs/devices.md says why it is used for these devices and
// what its defaults are.
#include <cmath>
#include <cstdint>

#include "common/random.h"

namespace mx {

struct DriftParams {
  bool enabled = false;
  double nu_low = 0.060, nu_high = 0.049;          // mean exponent at the lowest / highest level
  double nu_std_low = 0.023, nu_std_high = 0.008;  // its device-to-device spread
  double t0_s = 20;
};

// A draw of zero mean and unit variance fixed by a key rather than drawn from a stream: the
// same device, write and read give the same number whichever order the tiles of either
// mode visit them in. It is the Irwin-Hall sum of four 16-bit uniforms of one hash, a
// near-normal bounded by construction (|z| <= 2·sqrt(3)), truncated at 3, and cheap enough
// to draw for every device of every read.
inline double keyed_normal(uint64_t seed, uint64_t a, uint64_t b) {
  uint64_t state = seed ^ (a * 0x9E3779B97F4A7C15ull) ^ (b * 0xC2B2AE3D27D4EB4Full);
  const uint64_t h = splitmix64(state);
  const double sum = static_cast<double>((h & 0xFFFF) + ((h >> 16) & 0xFFFF) + ((h >> 32) & 0xFFFF) + (h >> 48));
  const double z = (sum / 65535.0 - 2.0) * 1.7320508075688772;
  return z > 3.0 ? 3.0 : (z < -3.0 ? -3.0 : z);
}

class DriftModel {
 public:
  DriftModel() = default;
  // g_low, g_high: the lowest and highest level's mean conductance.
  DriftModel(const DriftParams& params, double g_low, double g_high)
      : p_(params), log_low_(std::log(g_low)), log_span_(std::log(g_high) - std::log(g_low)) {}

  bool enabled() const { return p_.enabled; }
  const DriftParams& params() const { return p_; }

  // The exponent of a device programmed to conductance g; z a standard normal draw. Never
  // negative: a drifting device does not gain conductance.
  double exponent(double g, double z) const {
    double f = log_span_ != 0 ? (std::log(g) - log_low_) / log_span_ : 0.0;
    f = f < 0 ? 0 : (f > 1 ? 1 : f);
    const double nu = p_.nu_low + f * (p_.nu_high - p_.nu_low) + z * (p_.nu_std_low + f * (p_.nu_std_high - p_.nu_std_low));
    return nu > 0 ? nu : 0.0;
  }
  // g(t) / g0 after `since_s` seconds.
  double factor(double nu, double since_s) const {
    return since_s > 0 && nu > 0 ? std::pow((since_s + p_.t0_s) / p_.t0_s, -nu) : 1.0;
  }

 private:
  DriftParams p_;
  double log_low_ = 0, log_span_ = 0;
};

}  // namespace mx
