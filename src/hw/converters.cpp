#include "hw/converters.h"

#include <cmath>
#include <string>

#include "common/error.h"

namespace mx {
namespace {

constexpr unsigned kMaxConverterBits = 16;

void check_bits(const char* key, unsigned bits) {
  if (bits > kMaxConverterBits) {
    throw Error(std::string(key) + ": expected an integer in [0, " + std::to_string(kMaxConverterBits) +
                "], got " + std::to_string(bits));
  }
}

}  // namespace

Adc::Adc(const AdcSpec& spec) : bits_(spec.bits), ideal_(spec.bits == 0), full_scale_(spec.full_scale) {
  check_bits("adc.bits", spec.bits);
  if (!(std::isfinite(spec.full_scale) && spec.full_scale > 0)) {
    throw Error("adc.full_scale: expected a finite number > 0, got " + std::to_string(spec.full_scale));
  }
  if (ideal_) return;
  const double half_codes = std::ldexp(1.0, static_cast<int>(bits_) - 1);
  step_ = static_cast<float>(full_scale_ / half_codes);
  inverse_step_ = static_cast<float>(half_codes / full_scale_);
  min_code_ = static_cast<float>(-half_codes);
  max_code_ = static_cast<float>(half_codes - 1);
}

void Adc::convert_in_place(float* values, size_t n) const {
  if (ideal_) return;
  for (size_t i = 0; i < n; ++i) values[i] = static_cast<float>(code(values[i])) * step_;
}

Dac::Dac(const DacSpec& spec) : bits_(spec.bits), ideal_(spec.bits == 0) {
  check_bits("dac.bits", spec.bits);
  if (ideal_) return;
  top_level_ = static_cast<float>((uint32_t{1} << bits_) - 1);
}

}  // namespace mx
