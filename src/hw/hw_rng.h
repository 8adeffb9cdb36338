#pragma once
// The on-chip random-number generators that feed the probabilistic-update gate (SPEC §1.4).
// A chip cannot draw a 53-bit double: it clocks a register and hands a `bits`-wide integer
// to a comparator. Which register it is — a serial LFSR, a xorshift datapath, or a physical
// entropy source — sets the cost per draw and, through the draw width, how finely p_update
// can be resolved. `ideal` is the reference's float draw, kept to measure what the hardware
// kinds lose against it.
//
// One HwRng per draw site (per layer, per post-neuron column, ...). The kind is a switch in
// draw(), not a virtual call: a draw is a handful of shifts and the switch predicts well.
#include <cstdint>
#include <string>

#include "common/random.h"

namespace mx {

class Tech;
struct TechEntry;

enum class RngKind { lfsr, xorshift32, trng, ideal };

RngKind parse_rng_kind(const std::string& name);
const char* rng_kind_name(RngKind kind);

struct HwRngSpec {
  RngKind kind = RngKind::ideal;
  unsigned lfsr_width = 16;  // register length, 8..32
  unsigned bits = 16;        // output width per draw, 1..32 (ideal ignores it)
  double trng_bias = 0.0;    // P(entropy bit = 1) = 0.5 + bias, |bias| < 0.5
};

// Throws mx::Error naming the offending key (rng.bits, rng.lfsr_width, rng.trng_bias).
void validate(const HwRngSpec& spec);
// Empty, or why an LFSR's draws are far from uniform: a draw wider than the register
// (2^width of the 2^bits values can occur) or a draw width sharing a factor g with the
// period 2^width - 1 (the draws repeat after a g-th of the period, visiting 1/g of the
// register's states). A run prints it as a warning; the hardware exists, so it is allowed.
std::string lfsr_quality_warning(const HwRngSpec& spec);

// The Galois feedback mask of a maximal-length LFSR of `width` bits (8..32).
uint32_t lfsr_tap_mask(unsigned width);

class HwRng {
 public:
  HwRng(const HwRngSpec& spec, uint64_t seed);

  // A `bits()`-wide integer. For ideal: 32 uniform bits (it has no register width).
  uint32_t draw();
  // draw() / 2^bits in [0, 1); for ideal a 53-bit uniform double, as the reference draws.
  double draw_unit();

  RngKind kind() const { return kind_; }
  unsigned bits() const { return bits_; }
  unsigned lfsr_width() const { return lfsr_width_; }
  uint64_t draws() const { return draws_; }
  // Random bits delivered to the consumer (draws x bits; 53 per ideal draw_unit).
  uint64_t bits_generated() const { return bits_generated_; }
  // lfsr: one shift per output bit; xorshift32: one 32-bit step per 32 bits;
  // trng: one entropy bit per cycle; ideal: 1.
  unsigned clock_cycles_per_draw() const;

  // The register a seed-load instruction would write and a debugger would read. Only
  // meaningful for lfsr and xorshift32; zero is rejected because both would stick there.
  uint32_t state() const { return state_; }
  void load_state(uint32_t state);

 private:
  uint32_t lfsr_bits(unsigned count);
  uint32_t xorshift_step();
  uint32_t entropy_bits(unsigned count);

  RngKind kind_;
  unsigned bits_;
  unsigned lfsr_width_;
  uint32_t lfsr_mask_ = 0;
  uint32_t state_ = 0;
  uint64_t one_threshold_ = 0;  // trng: an entropy bit is 1 iff next_u64() < this
  double unit_scale_;           // 2^-bits
  Rng entropy_;                 // trng's physical source and ideal's draws
  uint64_t draws_ = 0;
  uint64_t bits_generated_ = 0;
};

// Energy and latency of one draw of `rng`, built from the technology table:
//   lfsr       bits x (lfsr_width flip-flops clocked + taps XORs)   (serial)
//   xorshift32 ceil(bits/32) x xorshift32_draw
//   trng       bits x trng_bit
//   ideal      zero: it stands for no hardware at all.
TechEntry rng_draw_cost(const HwRng& rng, const Tech& tech);

// The comparator a chip builds for the gate: p_update is held as an unsigned fixed-point
// threshold of bits+1 bits, floor(p * 2^bits) clamped to [0, 2^bits], and a candidate
// passes iff draw < threshold. With a uniform bits-wide draw this passes with probability
// exactly threshold / 2^bits: p = 1 always passes, p < 2^-bits never does, and the error
// is below 2^-bits, always rounding p down (never over-updating a consolidated weight).
// An integer compare of two registers needs no divider, no float unit and no rounding mode.
uint64_t p_threshold(double p, unsigned bits);
inline bool gate_passes(uint32_t draw, unsigned bits, double p) {
  return draw < p_threshold(p, bits);
}
// The reference's float comparison (update iff r <= p).
inline bool ideal_gate_passes(double r, double p) { return r <= p; }

}  // namespace mx
