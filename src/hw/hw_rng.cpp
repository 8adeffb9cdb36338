#include "hw/hw_rng.h"

#include <cmath>
#include <numeric>

#include "common/error.h"
#include "hw/tech.h"

namespace mx {
namespace {

// Maximal-length feedback taps for widths 8..32, from the published table in
// P. Alfke, "Efficient Shift Registers, LFSR Counters, and Long Pseudo-Random Sequence
// Generators", Xilinx XAPP052 (1996), Table 3. Tap t (1-based) becomes bit t-1 of the
// Galois mask; the Galois register with the same taps realises the reciprocal polynomial,
// which is primitive whenever the original is, so the period is the same 2^n - 1.
// test_periph checks every entry: exhaustively for n <= 20, by the order of the step
// matrix for all n.
struct TapRow {
  unsigned width;
  unsigned taps[4];  // 0 = unused
};
constexpr TapRow kXapp052Taps[] = {
    {8, {8, 6, 5, 4}},    {9, {9, 5}},          {10, {10, 7}},        {11, {11, 9}},
    {12, {12, 6, 4, 1}},  {13, {13, 4, 3, 1}},  {14, {14, 5, 3, 1}},  {15, {15, 14}},
    {16, {16, 15, 13, 4}}, {17, {17, 14}},      {18, {18, 11}},       {19, {19, 6, 2, 1}},
    {20, {20, 17}},       {21, {21, 19}},       {22, {22, 21}},       {23, {23, 18}},
    {24, {24, 23, 22, 17}}, {25, {25, 22}},     {26, {26, 6, 2, 1}},  {27, {27, 5, 2, 1}},
    {28, {28, 25}},       {29, {29, 27}},       {30, {30, 6, 4, 1}},  {31, {31, 28}},
    {32, {32, 22, 2, 1}},
};

void require_range(const char* key, unsigned value, unsigned lo, unsigned hi) {
  if (value < lo || value > hi) {
    throw Error(std::string(key) + ": expected an integer in [" + std::to_string(lo) + ", " +
                std::to_string(hi) + "], got " + std::to_string(value));
  }
}

// A nonzero register value derived from the seed: an all-zero LFSR or xorshift state
// would stay zero forever, so the seed picks one of the 2^width - 1 live states.
uint32_t nonzero_state(uint64_t seed, unsigned width) {
  uint64_t s = seed;
  const uint64_t live_states = (uint64_t{1} << width) - 1;
  return static_cast<uint32_t>(1 + splitmix64(s) % live_states);
}

}  // namespace

RngKind parse_rng_kind(const std::string& name) {
  if (name == "lfsr") return RngKind::lfsr;
  if (name == "xorshift32") return RngKind::xorshift32;
  if (name == "trng") return RngKind::trng;
  if (name == "ideal") return RngKind::ideal;
  throw Error("rng.kind: expected one of lfsr, xorshift32, trng, ideal, got '" + name + "'");
}

const char* rng_kind_name(RngKind kind) {
  switch (kind) {
    case RngKind::lfsr: return "lfsr";
    case RngKind::xorshift32: return "xorshift32";
    case RngKind::trng: return "trng";
    case RngKind::ideal: return "ideal";
  }
  return "?";
}

void validate(const HwRngSpec& spec) {
  require_range("rng.lfsr_width", spec.lfsr_width, 8, 32);
  require_range("rng.bits", spec.bits, 1, 32);
  if (!(std::fabs(spec.trng_bias) < 0.5)) {
    throw Error("rng.trng_bias: expected a number in (-0.5, 0.5), got " + std::to_string(spec.trng_bias));
  }
}

std::string lfsr_quality_warning(const HwRngSpec& spec) {
  if (spec.kind != RngKind::lfsr) return "";
  const uint64_t period = (uint64_t{1} << spec.lfsr_width) - 1;
  const std::string name = "rng.lfsr_width " + std::to_string(spec.lfsr_width) + " with rng.bits " + std::to_string(spec.bits);
  if (spec.bits > spec.lfsr_width)
    return name + ": a draw is wider than the register, so at most 2^" + std::to_string(spec.lfsr_width) + " of its 2^" +
           std::to_string(spec.bits) + " values occur";
  const uint64_t g = std::gcd(period, uint64_t{spec.bits});
  if (g > 1)
    return name + ": gcd(" + std::to_string(spec.bits) + ", 2^" + std::to_string(spec.lfsr_width) + " - 1) = " +
           std::to_string(g) + ", so the draws repeat after " + std::to_string(period / g) + " draws and visit 1/" +
           std::to_string(g) + " of the register's states";
  return "";
}

uint32_t lfsr_tap_mask(unsigned width) {
  for (const TapRow& row : kXapp052Taps) {
    if (row.width != width) continue;
    uint32_t mask = 0;
    for (unsigned tap : row.taps) {
      if (tap != 0) mask |= uint32_t{1} << (tap - 1);
    }
    return mask;
  }
  require_range("rng.lfsr_width", width, 8, 32);
  return 0;  // unreachable: every width in range has a row
}

HwRng::HwRng(const HwRngSpec& spec, uint64_t seed)
    : kind_(spec.kind),
      bits_(spec.kind == RngKind::ideal ? 32 : spec.bits),
      lfsr_width_(spec.lfsr_width),
      unit_scale_(std::ldexp(1.0, -static_cast<int>(bits_))),
      entropy_(seed) {
  validate(spec);
  if (kind_ == RngKind::lfsr) {
    lfsr_mask_ = lfsr_tap_mask(lfsr_width_);
    state_ = nonzero_state(seed, lfsr_width_);
  } else if (kind_ == RngKind::xorshift32) {
    state_ = nonzero_state(seed, 32);
  }
  // 0.5 + bias is strictly inside (0, 1), so the scaled threshold fits in 64 bits.
  one_threshold_ = static_cast<uint64_t>(std::ldexp(0.5 + spec.trng_bias, 64));
}

void HwRng::load_state(uint32_t state) {
  const unsigned width = kind_ == RngKind::lfsr ? lfsr_width_ : 32;
  const uint32_t width_mask = width < 32 ? (uint32_t{1} << width) - 1 : ~uint32_t{0};
  if (state == 0 || (state & ~width_mask) != 0) {
    throw Error("rng state: expected a nonzero value of at most " + std::to_string(width) + " bits, got " +
                std::to_string(state));
  }
  state_ = state;
}

uint32_t HwRng::lfsr_bits(unsigned count) {
  uint32_t value = 0;
  uint32_t state = state_;
  for (unsigned i = 0; i < count; ++i) {
    const uint32_t out = state & 1u;
    state = (state >> 1) ^ ((0u - out) & lfsr_mask_);
    value = (value << 1) | out;
  }
  state_ = state;
  return value;
}

// Marsaglia, "Xorshift RNGs", J. Stat. Softw. 8(14), 2003: the 32-bit triple (13, 17, 5).
uint32_t HwRng::xorshift_step() {
  uint32_t x = state_;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  state_ = x;
  return x;
}

// Stands in for a physical entropy source (ring-oscillator jitter, metastability): each
// cycle yields one bit that is 1 with probability 0.5 + bias. Simulated with the
// deterministic Rng so that runs are reproducible; the bias models an imperfect source
// without a debiasing post-processor.
uint32_t HwRng::entropy_bits(unsigned count) {
  uint32_t value = 0;
  for (unsigned i = 0; i < count; ++i) {
    value = (value << 1) | static_cast<uint32_t>(entropy_.next_u64() < one_threshold_);
  }
  return value;
}

uint32_t HwRng::draw() {
  uint32_t value = 0;
  switch (kind_) {
    case RngKind::lfsr: value = lfsr_bits(bits_); break;
    case RngKind::xorshift32: value = xorshift_step() >> (32 - bits_); break;
    case RngKind::trng: value = entropy_bits(bits_); break;
    case RngKind::ideal: value = entropy_.next_u32(); break;
  }
  ++draws_;
  bits_generated_ += bits_;
  return value;
}

double HwRng::draw_unit() {
  if (kind_ == RngKind::ideal) {
    ++draws_;
    bits_generated_ += 53;
    return entropy_.uniform();
  }
  return draw() * unit_scale_;
}

unsigned HwRng::clock_cycles_per_draw() const {
  switch (kind_) {
    case RngKind::lfsr:
    case RngKind::trng: return bits_;
    case RngKind::xorshift32: return (bits_ + 31) / 32;
    case RngKind::ideal: return 1;
  }
  return 1;
}

TechEntry rng_draw_cost(const HwRng& rng, const Tech& tech) {
  TechEntry cost;
  const unsigned cycles = rng.clock_cycles_per_draw();
  switch (rng.kind()) {
    case RngKind::lfsr: {
      // Galois form: every flip-flop is clocked each shift; the top tap only injects the
      // feedback, so a mask with k taps needs k - 1 XOR gates.
      const TechEntry& flipflop = tech.at("lfsr_flipflop_bit");
      const TechEntry& gate = tech.at("lfsr_xor");
      const unsigned xors = static_cast<unsigned>(__builtin_popcount(lfsr_tap_mask(rng.lfsr_width()))) - 1;
      cost.energy_pj = cycles * (rng.lfsr_width() * flipflop.energy_pj + xors * gate.energy_pj);
      cost.latency_ns = cycles * flipflop.latency_ns;
      cost.source = "lfsr: bits x (lfsr_width x lfsr_flipflop_bit + " + std::to_string(xors) + " x lfsr_xor)";
      break;
    }
    case RngKind::xorshift32: {
      const TechEntry& step = tech.at("xorshift32_draw");
      cost.energy_pj = cycles * step.energy_pj;
      cost.latency_ns = cycles * step.latency_ns;
      cost.source = "xorshift32: ceil(bits/32) x xorshift32_draw";
      break;
    }
    case RngKind::trng: {
      const TechEntry& bit = tech.at("trng_bit");
      cost.energy_pj = cycles * bit.energy_pj;
      cost.latency_ns = cycles * bit.latency_ns;
      cost.source = "trng: bits x trng_bit";
      break;
    }
    case RngKind::ideal:
      cost.source = "ideal: a software draw, no hardware to charge";
      break;
  }
  return cost;
}

uint64_t p_threshold(double p, unsigned bits) {
  const uint64_t full = uint64_t{1} << bits;
  if (!(p > 0)) return 0;  // also NaN: a probability we cannot read never passes
  if (p >= 1) return full;
  return static_cast<uint64_t>(std::floor(std::ldexp(p, static_cast<int>(bits))));
}

}  // namespace mx
