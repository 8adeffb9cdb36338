#pragma once
// Transfer functions of the crossbar's peripheral converters. The ADC turns a bit-line
// sum into a code; the DAC (row driver) turns an input activity into a drive level. Both
// are pure functions of their spec, cheap enough to run on every column of every read.
#include <cstddef>
#include <cstdint>

namespace mx {

struct AdcSpec {
  unsigned bits = 0;        // 0 = ideal conversion: identity, no clipping
  double full_scale = 1.0;  // input range [-full_scale, +full_scale]
};

// A signed mid-tread uniform quantizer with 2^bits two's-complement codes
// [-2^(bits-1), 2^(bits-1) - 1] and step full_scale / 2^(bits-1). Mid-tread, because a
// column with no input current must read exactly zero; two's complement, because that is
// what a SAR or flash converter with a differential input produces, so +full_scale itself
// saturates one step below. Inputs outside the range clip to the end codes.
class Adc {
 public:
  explicit Adc(const AdcSpec& spec);

  int32_t code(float x) const {
    // Clamp in the scaled domain first: the integer cast is then always defined, and a
    // NaN (never true for !(v > lo)) lands on the lowest code instead of being undefined.
    float v = x * inverse_step_;
    if (!(v > min_code_)) v = min_code_;
    if (v > max_code_) v = max_code_;
    return static_cast<int32_t>(v >= 0 ? v + 0.5f : v - 0.5f);
  }
  float convert(float x) const { return ideal_ ? x : static_cast<float>(code(x)) * step_; }
  void convert_in_place(float* values, size_t n) const;

  unsigned bits() const { return bits_; }
  bool ideal() const { return ideal_; }
  float step() const { return step_; }  // 0 when ideal
  double full_scale() const { return full_scale_; }
  uint64_t code_count() const { return ideal_ ? 0 : uint64_t{1} << bits_; }

 private:
  unsigned bits_;
  bool ideal_;
  double full_scale_;
  float step_ = 0;
  float inverse_step_ = 0;
  float min_code_ = 0;
  float max_code_ = 0;
};

struct DacSpec {
  unsigned bits = 1;  // 1 = binary spike drive; 0 = ideal (identity)
};

// Maps an input in [0, 1] (clamped) to the nearest of 2^bits evenly spaced levels
// k / (2^bits - 1): 1 bit drives a row fully on or off, as a spike does.
class Dac {
 public:
  explicit Dac(const DacSpec& spec);

  float convert(float x) const {
    if (ideal_) return x;
    if (!(x > 0)) return 0;  // NaN and negatives drive nothing
    if (x >= 1) return 1;
    return static_cast<float>(static_cast<uint32_t>(x * top_level_ + 0.5f)) / top_level_;
  }

  unsigned bits() const { return bits_; }
  bool ideal() const { return ideal_; }
  uint32_t level_count() const { return ideal_ ? 0 : uint32_t{1} << bits_; }

 private:
  unsigned bits_;
  bool ideal_;
  float top_level_ = 0;  // 2^bits - 1
};

}  // namespace mx
