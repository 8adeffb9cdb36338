// Peripheral kernels: on-chip RNGs and the update gate's comparator, ADC/DAC transfer
// functions, the technology table, the energy ledger, the spike mesh and the trace writer.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/random.h"
#include "hw/converters.h"
#include "hw/energy_ledger.h"
#include "hw/hw_rng.h"
#include "hw/mesh_noc.h"
#include "hw/tech.h"
#include "trace/chrome_trace.h"
#include "support/error_of.h"

namespace mx {
namespace {

using mx::testing_support::error_of;

using json = nlohmann::json;

// The message of the mx::Error that `action` throws ("" if it throws none).
HwRngSpec rng_spec(RngKind kind, unsigned bits, unsigned lfsr_width = 16, double bias = 0.0) {
  HwRngSpec spec;
  spec.kind = kind;
  spec.bits = bits;
  spec.lfsr_width = lfsr_width;
  spec.trng_bias = bias;
  return spec;
}

// ---------------------------------------------------------------------------------------
// RNG

TEST(HwRng, LfsrPeriodIsMaximalAndStateNeverZero) {
  for (unsigned width = 8; width <= 20; ++width) {
    HwRng rng(rng_spec(RngKind::lfsr, 1, width), 7);
    rng.load_state(1);
    const uint64_t expected = (uint64_t{1} << width) - 1;
    uint64_t period = 0;
    do {
      rng.draw();
      ++period;
      ASSERT_NE(rng.state(), 0u) << "width " << width;
      ASSERT_LT(rng.state(), uint64_t{1} << width) << "width " << width;
    } while (rng.state() != 1 && period <= expected);
    EXPECT_EQ(period, expected) << "width " << width;
  }
}

// Every tap row, including the widths too long to cycle through: the Galois step is a
// linear map M over GF(2)^n, and the register has period 2^n - 1 iff M^(2^n-1) = I and
// M^((2^n-1)/q) != I for every prime q dividing 2^n - 1 (the order of M is exactly 2^n - 1).
struct Gf2Matrix {
  unsigned n;
  uint32_t column[32];  // column j = M e_j

  uint32_t apply(uint32_t v) const {
    uint32_t out = 0;
    for (unsigned j = 0; j < n; ++j) {
      if (v >> j & 1u) out ^= column[j];
    }
    return out;
  }
  Gf2Matrix times(const Gf2Matrix& right) const {
    Gf2Matrix product{n, {}};
    for (unsigned j = 0; j < n; ++j) product.column[j] = apply(right.column[j]);
    return product;
  }
  bool is_identity() const {
    for (unsigned j = 0; j < n; ++j) {
      if (column[j] != (uint32_t{1} << j)) return false;
    }
    return true;
  }
  Gf2Matrix power(uint64_t e) const {
    Gf2Matrix result{n, {}}, base = *this;
    for (unsigned j = 0; j < n; ++j) result.column[j] = uint32_t{1} << j;
    for (; e > 0; e >>= 1) {
      if (e & 1) result = result.times(base);
      base = base.times(base);
    }
    return result;
  }
};

TEST(HwRng, LfsrTapsArePrimitiveForEveryWidth) {
  for (unsigned width = 8; width <= 32; ++width) {
    const uint32_t mask = lfsr_tap_mask(width);
    ASSERT_NE(mask >> (width - 1) & 1u, 0u) << "the top tap must feed back, width " << width;
    Gf2Matrix step{width, {}};
    step.column[0] = mask;  // the bit shifted out re-enters through the taps
    for (unsigned j = 1; j < width; ++j) step.column[j] = uint32_t{1} << (j - 1);
    const uint64_t period = (uint64_t{1} << width) - 1;
    EXPECT_TRUE(step.power(period).is_identity()) << "width " << width;
    std::vector<uint64_t> primes;
    uint64_t rest = period;  // odd, so trial division by odd numbers suffices
    for (uint64_t q = 3; q * q <= rest; q += 2) {
      if (rest % q != 0) continue;
      primes.push_back(q);
      while (rest % q == 0) rest /= q;
    }
    if (rest > 1) primes.push_back(rest);
    for (uint64_t q : primes) {
      EXPECT_FALSE(step.power(period / q).is_identity()) << "width " << width << ", factor " << q;
    }
  }
}

TEST(HwRng, LfsrSeedsGiveNonzeroStatesWithinWidth) {
  for (uint64_t seed = 0; seed < 200; ++seed) {
    HwRng rng(rng_spec(RngKind::lfsr, 8, 9), seed);
    EXPECT_NE(rng.state(), 0u);
    EXPECT_LT(rng.state(), 1u << 9);
  }
}

TEST(HwRng, LfsrDrawIsTheSerialStreamMsbFirst) {
  HwRng wide(rng_spec(RngKind::lfsr, 12, 17), 99);
  HwRng serial(rng_spec(RngKind::lfsr, 1, 17), 99);
  for (int d = 0; d < 50; ++d) {
    uint32_t assembled = 0;
    for (int b = 0; b < 12; ++b) assembled = assembled << 1 | serial.draw();
    EXPECT_EQ(wide.draw(), assembled);
  }
}

TEST(HwRng, LfsrOutputBitIsTheLsbShiftedOut) {
  HwRng rng(rng_spec(RngKind::lfsr, 1, 16), 1);
  rng.load_state(0x0001);
  EXPECT_EQ(rng.draw(), 1u);
  EXPECT_EQ(rng.state(), lfsr_tap_mask(16));  // 1 >> 1 = 0, then the taps
  rng.load_state(0x0002);
  EXPECT_EQ(rng.draw(), 0u);
  EXPECT_EQ(rng.state(), 0x0001u);
}

TEST(HwRng, EveryKindStaysWithinItsBits) {
  for (RngKind kind : {RngKind::lfsr, RngKind::xorshift32, RngKind::trng}) {
    for (unsigned bits : {1u, 5u, 16u, 31u, 32u}) {
      HwRng rng(rng_spec(kind, bits, 32), 3);
      uint32_t seen_or = 0;
      for (int i = 0; i < 2000; ++i) {
        const uint32_t v = rng.draw();
        ASSERT_LT(v, uint64_t{1} << bits) << rng_kind_name(kind) << " bits " << bits;
        seen_or |= v;
      }
      // All bit positions get used (a stuck high bit would halve the range).
      EXPECT_EQ(seen_or, bits == 32 ? ~0u : (1u << bits) - 1) << rng_kind_name(kind) << " bits " << bits;
    }
  }
}

TEST(HwRng, CountsDrawsBitsAndCycles) {
  HwRng lfsr(rng_spec(RngKind::lfsr, 12), 1);
  HwRng xorshift(rng_spec(RngKind::xorshift32, 12), 1);
  HwRng trng(rng_spec(RngKind::trng, 12), 1);
  HwRng ideal(rng_spec(RngKind::ideal, 12), 1);
  for (int i = 0; i < 10; ++i) {
    lfsr.draw();
    xorshift.draw_unit();
    trng.draw();
    ideal.draw_unit();
  }
  EXPECT_EQ(lfsr.draws(), 10u);
  EXPECT_EQ(lfsr.bits_generated(), 120u);
  EXPECT_EQ(xorshift.draws(), 10u);
  EXPECT_EQ(xorshift.bits_generated(), 120u);
  EXPECT_EQ(trng.bits_generated(), 120u);
  EXPECT_EQ(ideal.draws(), 10u);
  EXPECT_EQ(ideal.bits_generated(), 530u);

  EXPECT_EQ(lfsr.clock_cycles_per_draw(), 12u);
  EXPECT_EQ(xorshift.clock_cycles_per_draw(), 1u);
  EXPECT_EQ(trng.clock_cycles_per_draw(), 12u);
  EXPECT_EQ(ideal.clock_cycles_per_draw(), 1u);
  EXPECT_EQ(HwRng(rng_spec(RngKind::xorshift32, 32), 1).clock_cycles_per_draw(), 1u);
}

TEST(HwRng, Xorshift32MatchesMarsagliasAlgorithm) {
  HwRng rng(rng_spec(RngKind::xorshift32, 32), 5);
  rng.load_state(2463534242u);  // the seed of Marsaglia's paper
  uint32_t y = 2463534242u;
  for (int i = 0; i < 20; ++i) {
    y ^= y << 13;
    y ^= y >> 17;
    y ^= y << 5;
    EXPECT_EQ(rng.draw(), y) << "draw " << i;
  }
  // First outputs computed independently from the published recurrence.
  HwRng again(rng_spec(RngKind::xorshift32, 32), 5);
  again.load_state(2463534242u);
  EXPECT_EQ(again.draw(), 723471715u);
  EXPECT_EQ(again.draw(), 2497366906u);

  HwRng top(rng_spec(RngKind::xorshift32, 8), 5);
  top.load_state(2463534242u);
  EXPECT_EQ(top.draw(), 723471715u >> 24);  // the top `bits` bits
}

TEST(HwRng, TrngBitsFollowTheBias) {
  for (double bias : {0.0, 0.2, -0.3}) {
    HwRng rng(rng_spec(RngKind::trng, 1, 16, bias), 11);
    const int n = 100000;
    int ones = 0;
    for (int i = 0; i < n; ++i) ones += static_cast<int>(rng.draw());
    // sigma = sqrt(p(1-p)/n) <= 0.0016; 0.01 is over 6 sigma.
    EXPECT_NEAR(static_cast<double>(ones) / n, 0.5 + bias, 0.01) << "bias " << bias;
  }
}

TEST(HwRng, IdealDrawsUniformDoublesInUnitInterval) {
  HwRng rng(rng_spec(RngKind::ideal, 4), 13);
  double sum = 0;
  bool fine_grained = false;
  for (int i = 0; i < 100000; ++i) {
    const double r = rng.draw_unit();
    ASSERT_GE(r, 0.0);
    ASSERT_LT(r, 1.0);
    sum += r;
    // `bits` = 4 is ignored: values are not multiples of 1/16.
    if (r * 16 != std::floor(r * 16)) fine_grained = true;
  }
  EXPECT_NEAR(sum / 100000, 0.5, 0.005);
  EXPECT_TRUE(fine_grained);
}

TEST(HwRng, DrawUnitIsDrawOverTwoToTheBits) {
  for (RngKind kind : {RngKind::lfsr, RngKind::xorshift32, RngKind::trng}) {
    HwRng a(rng_spec(kind, 10), 21), b(rng_spec(kind, 10), 21);
    for (int i = 0; i < 100; ++i) EXPECT_EQ(a.draw_unit(), b.draw() / 1024.0) << rng_kind_name(kind);
  }
}

TEST(HwRng, SameSeedSameStreamDifferentSeedDifferentStream) {
  for (RngKind kind : {RngKind::lfsr, RngKind::xorshift32, RngKind::trng, RngKind::ideal}) {
    HwRng a(rng_spec(kind, 16), 1), b(rng_spec(kind, 16), 1), c(rng_spec(kind, 16), 2);
    int differences = 0;
    for (int i = 0; i < 64; ++i) {
      const uint32_t va = a.draw();
      EXPECT_EQ(va, b.draw());
      differences += va != c.draw();
    }
    EXPECT_GT(differences, 32) << rng_kind_name(kind);
  }
}

TEST(HwRng, ValidationNamesTheKeyAndRange) {
  EXPECT_NE(error_of([] { HwRng(rng_spec(RngKind::lfsr, 0), 1); }).find("rng.bits"), std::string::npos);
  EXPECT_NE(error_of([] { HwRng(rng_spec(RngKind::lfsr, 33), 1); }).find("[1, 32]"), std::string::npos);
  EXPECT_NE(error_of([] { HwRng(rng_spec(RngKind::lfsr, 8, 7), 1); }).find("rng.lfsr_width"), std::string::npos);
  EXPECT_NE(error_of([] { HwRng(rng_spec(RngKind::lfsr, 8, 33), 1); }).find("[8, 32]"), std::string::npos);
  EXPECT_NE(error_of([] { HwRng(rng_spec(RngKind::trng, 8, 16, 0.5), 1); }).find("rng.trng_bias"),
            std::string::npos);
  EXPECT_NE(error_of([] { HwRng(rng_spec(RngKind::trng, 8, 16, -0.7), 1); }).find("rng.trng_bias"),
            std::string::npos);
  EXPECT_EQ(error_of([] { HwRng(rng_spec(RngKind::trng, 8, 16, 0.49), 1); }), "");
  HwRng lfsr(rng_spec(RngKind::lfsr, 8, 10), 1);
  EXPECT_THROW(lfsr.load_state(0), Error);
  EXPECT_THROW(lfsr.load_state(1u << 10), Error);
}

TEST(HwRng, ParsesKindNames) {
  EXPECT_EQ(parse_rng_kind("lfsr"), RngKind::lfsr);
  EXPECT_EQ(parse_rng_kind("xorshift32"), RngKind::xorshift32);
  EXPECT_EQ(parse_rng_kind("trng"), RngKind::trng);
  EXPECT_EQ(parse_rng_kind("ideal"), RngKind::ideal);
  for (RngKind kind : {RngKind::lfsr, RngKind::xorshift32, RngKind::trng, RngKind::ideal}) {
    EXPECT_EQ(parse_rng_kind(rng_kind_name(kind)), kind);
  }
  const std::string message = error_of([] { parse_rng_kind("xorshift"); });
  EXPECT_NE(message.find("rng.kind"), std::string::npos);
  EXPECT_NE(message.find("lfsr, xorshift32, trng, ideal"), std::string::npos);
}

TEST(Gate, ThresholdIsFloorOfPTimesTwoToTheBits) {
  EXPECT_EQ(p_threshold(0.0, 8), 0u);
  EXPECT_EQ(p_threshold(1.0, 8), 256u);
  EXPECT_EQ(p_threshold(0.5, 8), 128u);
  EXPECT_EQ(p_threshold(0.3, 4), 4u);      // 4.8 rounds down
  EXPECT_EQ(p_threshold(0.999, 4), 15u);   // 15.98 rounds down
  EXPECT_EQ(p_threshold(1.0 / 32, 4), 0u); // below 2^-bits
  EXPECT_EQ(p_threshold(1.0 / 16, 4), 1u);
  EXPECT_EQ(p_threshold(7.5, 4), 16u);     // clamped
  EXPECT_EQ(p_threshold(-0.1, 4), 0u);
  EXPECT_EQ(p_threshold(std::nan(""), 4), 0u);
  EXPECT_EQ(p_threshold(1.0, 32), uint64_t{1} << 32);
}

TEST(Gate, PassesBelowThresholdOnly) {
  // p = 0 never passes, even the smallest draw.
  EXPECT_FALSE(gate_passes(0, 16, 0.0));
  // p = 1 always passes, even the largest draw.
  EXPECT_TRUE(gate_passes(0xFFFF, 16, 1.0));
  EXPECT_TRUE(gate_passes(0xFFFFFFFFu, 32, 1.0));
  // p = 0.5 at 4 bits: threshold 8.
  EXPECT_TRUE(gate_passes(7, 4, 0.5));
  EXPECT_FALSE(gate_passes(8, 4, 0.5));
  // p below 2^-bits never passes.
  for (uint32_t d = 0; d < 16; ++d) EXPECT_FALSE(gate_passes(d, 4, 0.05));
  // Over every possible draw, exactly `threshold` pass.
  for (double p : {0.0, 0.1, 0.37, 0.5, 0.99, 1.0}) {
    uint64_t passes = 0;
    for (uint32_t d = 0; d < 256; ++d) passes += gate_passes(d, 8, p);
    EXPECT_EQ(passes, p_threshold(p, 8)) << "p " << p;
  }
  EXPECT_TRUE(ideal_gate_passes(0.5, 0.5));  // the reference's r <= p
  EXPECT_FALSE(ideal_gate_passes(0.5000001, 0.5));
  EXPECT_TRUE(ideal_gate_passes(0.0, 0.0));  // unlike the comparator, r = 0 passes p = 0
}

TEST(Gate, HardwareDrawsPassAtTheQuantizedRate) {
  HwRng rng(rng_spec(RngKind::xorshift32, 8), 17);
  const int n = 200000;
  int passes = 0;
  for (int i = 0; i < n; ++i) passes += gate_passes(rng.draw(), 8, 0.3);
  EXPECT_NEAR(static_cast<double>(passes) / n, 76.0 / 256.0, 0.005);
}

TEST(HwRng, DrawCostPerKindFromTheTechTable) {
  const Tech tech = Tech::defaults();
  const double ff = tech.at("lfsr_flipflop_bit").energy_pj, gate = tech.at("lfsr_xor").energy_pj;
  // XAPP052's 16-bit row has 4 taps -> 3 XORs; serial: 16 clocks per 16-bit draw.
  const TechEntry lfsr = rng_draw_cost(HwRng(rng_spec(RngKind::lfsr, 16, 16), 1), tech);
  EXPECT_DOUBLE_EQ(lfsr.energy_pj, 16 * (16 * ff + 3 * gate));
  EXPECT_DOUBLE_EQ(lfsr.latency_ns, 16 * tech.at("lfsr_flipflop_bit").latency_ns);
  const TechEntry trng = rng_draw_cost(HwRng(rng_spec(RngKind::trng, 16), 1), tech);
  EXPECT_DOUBLE_EQ(trng.energy_pj, 16 * 23.0);
  EXPECT_DOUBLE_EQ(trng.latency_ns, 16 * 43.5);
  const TechEntry xorshift = rng_draw_cost(HwRng(rng_spec(RngKind::xorshift32, 16), 1), tech);
  EXPECT_DOUBLE_EQ(xorshift.energy_pj, tech.at("xorshift32_draw").energy_pj);
  const TechEntry ideal = rng_draw_cost(HwRng(rng_spec(RngKind::ideal, 16), 1), tech);
  EXPECT_EQ(ideal.energy_pj, 0.0);
  EXPECT_FALSE(ideal.source.empty());
}

// ---------------------------------------------------------------------------------------
// ADC / DAC

TEST(Adc, ZeroBitsIsIdentityWithoutClipping) {
  const Adc adc(AdcSpec{0, 1.0});
  EXPECT_TRUE(adc.ideal());
  for (float x : {-1000.0f, -0.123456f, 0.0f, 0.5f, 3.75f, 1e6f}) EXPECT_EQ(adc.convert(x), x);
  float values[] = {5.5f, -7.25f};
  adc.convert_in_place(values, 2);
  EXPECT_EQ(values[0], 5.5f);
  EXPECT_EQ(values[1], -7.25f);
}

TEST(Adc, ClipsToTheEndCodes) {
  const Adc adc(AdcSpec{4, 1.0});
  EXPECT_FLOAT_EQ(adc.step(), 0.125f);
  EXPECT_EQ(adc.code(5.0f), 7);
  EXPECT_EQ(adc.code(-5.0f), -8);
  EXPECT_FLOAT_EQ(adc.convert(5.0f), 0.875f);  // +full_scale saturates one step below
  EXPECT_FLOAT_EQ(adc.convert(-5.0f), -1.0f);
  EXPECT_FLOAT_EQ(adc.convert(1.0f), 0.875f);
  EXPECT_EQ(adc.convert(0.0f), 0.0f);  // mid-tread: zero is a level
  EXPECT_EQ(adc.code(std::nanf("")), -8);
}

TEST(Adc, HasTwoToTheBitsCodesAndIsMonotonic) {
  for (unsigned bits = 1; bits <= 10; ++bits) {
    const Adc adc(AdcSpec{bits, 2.5});
    std::set<int32_t> codes;
    float previous = -1e30f;
    for (int i = -40000; i <= 40000; ++i) {
      const float x = 5.0f * static_cast<float>(i) / 40000.0f;  // [-2 FS, 2 FS]
      const float y = adc.convert(x);
      ASSERT_GE(y, previous) << "bits " << bits << " x " << x;
      previous = y;
      codes.insert(adc.code(x));
    }
    EXPECT_EQ(codes.size(), adc.code_count()) << "bits " << bits;
    EXPECT_EQ(*codes.begin(), -(1 << (bits - 1)));
    EXPECT_EQ(*codes.rbegin(), (1 << (bits - 1)) - 1);
  }
}

TEST(Adc, ErrorInsideTheRangeIsAtMostHalfAStep) {
  for (unsigned bits : {2u, 5u, 8u, 12u}) {
    const Adc adc(AdcSpec{bits, 3.0});
    const float half = adc.step() / 2;
    float worst = 0;
    for (int i = 0; i <= 100000; ++i) {
      const float x = -3.0f + (6.0f - adc.step()) * static_cast<float>(i) / 100000.0f;
      worst = std::max(worst, std::fabs(adc.convert(x) - x));
    }
    EXPECT_LE(worst, half * 1.001f + 1e-6f) << "bits " << bits;
    EXPECT_GE(worst, half * 0.9f) << "bits " << bits;  // and the bound is reached
  }
}

TEST(Adc, ConvertInPlaceMatchesConvert) {
  const Adc adc(AdcSpec{6, 1.5});
  Rng rng(5);
  std::vector<float> values(257), expected(257);
  for (size_t i = 0; i < values.size(); ++i) {
    values[i] = static_cast<float>(rng.uniform() * 4 - 2);
    expected[i] = adc.convert(values[i]);
  }
  adc.convert_in_place(values.data(), values.size());
  EXPECT_EQ(values, expected);
}

TEST(Adc, ValidatesBitsAndFullScale) {
  EXPECT_NE(error_of([] { Adc{AdcSpec{17, 1.0}}; }).find("adc.bits"), std::string::npos);
  EXPECT_EQ(error_of([] { Adc{AdcSpec{16, 1.0}}; }), "");
  EXPECT_NE(error_of([] { Adc{AdcSpec{8, 0.0}}; }).find("adc.full_scale"), std::string::npos);
  EXPECT_NE(error_of([] { Adc{AdcSpec{8, -1.0}}; }).find("adc.full_scale"), std::string::npos);
  EXPECT_NE(error_of([] { Adc{AdcSpec{8, std::nan("")}}; }).find("adc.full_scale"), std::string::npos);
}

TEST(Dac, OneBitIsABinarySpikeDrive) {
  const Dac dac(DacSpec{1});
  EXPECT_EQ(dac.level_count(), 2u);
  EXPECT_EQ(dac.convert(0.0f), 0.0f);
  EXPECT_EQ(dac.convert(0.2f), 0.0f);
  EXPECT_EQ(dac.convert(0.7f), 1.0f);
  EXPECT_EQ(dac.convert(1.0f), 1.0f);
}

TEST(Dac, SnapsToTheNearestLevelAndClamps) {
  const Dac dac(DacSpec{2});
  EXPECT_FLOAT_EQ(dac.convert(0.3f), 1.0f / 3);
  EXPECT_FLOAT_EQ(dac.convert(0.6f), 2.0f / 3);
  EXPECT_EQ(dac.convert(0.9f), 1.0f);
  EXPECT_EQ(dac.convert(-0.5f), 0.0f);
  EXPECT_EQ(dac.convert(3.0f), 1.0f);
  for (unsigned bits : {1u, 3u, 8u}) {
    const Dac d(DacSpec{bits});
    std::set<float> levels;
    for (int i = 0; i <= 20000; ++i) levels.insert(d.convert(static_cast<float>(i) / 20000.0f));
    EXPECT_EQ(levels.size(), d.level_count()) << "bits " << bits;
    EXPECT_EQ(*levels.begin(), 0.0f);
    EXPECT_EQ(*levels.rbegin(), 1.0f);
  }
}

TEST(Dac, ZeroBitsIsIdealAndBitsAreValidated) {
  const Dac dac(DacSpec{0});
  EXPECT_EQ(dac.convert(0.123f), 0.123f);
  EXPECT_NE(error_of([] { Dac{DacSpec{17}}; }).find("dac.bits"), std::string::npos);
}

// ---------------------------------------------------------------------------------------
// Technology table

TEST(Tech, DefaultsHaveEveryEntryWithItsSource) {
  const Tech tech = Tech::defaults();
  for (const char* name :
       {"rram_set", "rram_reset", "rram_read", "adc_conversion_0bit", "adc_conversion_4bit",
        "adc_conversion_5bit", "adc_conversion_6bit", "adc_conversion_8bit", "dac_row_drive", "sram_read_bit",
        "sram_write_bit", "dram_access_64b", "trng_bit", "trng_bit_lowpower", "lfsr_flipflop_bit", "lfsr_xor",
        "xorshift32_draw", "router_hop_east_west", "router_hop_north_south", "router_in_tile", "synaptic_event",
        "neuron_update", "comparator", "lut_read"}) {
    ASSERT_TRUE(tech.contains(name)) << name;
    const TechEntry& entry = tech.at(name);
    EXPECT_FALSE(entry.source.empty()) << name;
    EXPECT_TRUE(std::isfinite(entry.energy_pj) && entry.energy_pj > 0) << name;
    EXPECT_TRUE(std::isfinite(entry.latency_ns) && entry.latency_ns >= 0) << name;
  }
  for (const std::string& name : tech.names()) EXPECT_FALSE(tech.at(name).source.empty()) << name;
  EXPECT_GE(tech.endurance_cycles(), 1e6);
  EXPECT_LE(tech.endurance_cycles(), 1e9);
  EXPECT_FALSE(tech.endurance_source().empty());
}

TEST(Tech, DefaultsCarryTheSpecFigures) {
  const Tech tech = Tech::defaults();
  EXPECT_EQ(tech.at("rram_set").energy_pj, 0.6);
  EXPECT_EQ(tech.at("rram_set").latency_ns, 10);
  EXPECT_EQ(tech.at("rram_read").energy_pj, 0.1);
  EXPECT_EQ(tech.at("adc_conversion_8bit").energy_pj, 1.6);
  EXPECT_EQ(tech.at("adc_conversion_0bit").energy_pj, tech.at("adc_conversion_8bit").energy_pj);
  EXPECT_EQ(tech.at("adc_conversion_4bit").energy_pj, 0.7);
  EXPECT_EQ(tech.at("adc_conversion_6bit").energy_pj, 1.26);
  EXPECT_EQ(tech.at("dac_row_drive").energy_pj, 0.0035);
  EXPECT_EQ(tech.at("sram_read_bit").energy_pj, 0.16);
  EXPECT_EQ(tech.at("trng_bit").energy_pj, 23);
  EXPECT_EQ(tech.at("trng_bit_lowpower").energy_pj, 0.186);
  EXPECT_EQ(tech.at("router_hop_east_west").energy_pj, 3.0);
  EXPECT_EQ(tech.at("router_hop_east_west").latency_ns, 4.1);
  EXPECT_EQ(tech.at("router_hop_north_south").energy_pj, 4.2);
  EXPECT_EQ(tech.at("router_hop_north_south").latency_ns, 6.5);
  EXPECT_EQ(tech.at("router_in_tile").energy_pj, 1.7);
  EXPECT_EQ(tech.at("synaptic_event").energy_pj, 35.5);
  EXPECT_EQ(tech.at("neuron_update").energy_pj, 52);
  // Derived figures stay consistent with the figures they were derived from.
  EXPECT_NEAR(tech.at("xorshift32_draw").energy_pj,
              32 * tech.at("lfsr_flipflop_bit").energy_pj + 96 * tech.at("lfsr_xor").energy_pj, 1e-12);
  EXPECT_NEAR(tech.at("lut_read").energy_pj, 16 * tech.at("sram_read_bit").energy_pj, 1e-12);
}

TEST(Tech, AdcWidthsInterpolateGeometrically) {
  const Tech tech = Tech::defaults();
  // The tabulated 5-bit figure follows the same rule the interpolator uses.
  EXPECT_NEAR(tech.at("adc_conversion_5bit").energy_pj, std::sqrt(0.7 * 1.26), 1e-3);
  EXPECT_EQ(tech.adc_conversion(0).energy_pj, 1.6);
  EXPECT_EQ(tech.adc_conversion(6).energy_pj, 1.26);
  const TechEntry seven = tech.adc_conversion(7);
  EXPECT_NEAR(seven.energy_pj, std::sqrt(1.26 * 1.6), 1e-12);
  EXPECT_NEAR(seven.latency_ns, (1 + 0.78125) / 2, 1e-12);
  EXPECT_NE(seven.source.find("interpolated"), std::string::npos);
  const std::string missing = error_of([&] { tech.adc_conversion(12); });
  EXPECT_NE(missing.find("adc_conversion_12bit"), std::string::npos);
  EXPECT_THROW(tech.adc_conversion(2), Error);

  Tech extended = tech;
  extended.apply_overrides(json::parse(R"({"adc_conversion_12bit":
      {"energy_pj": 6.4, "latency_ns": 2, "source": "my 12-bit SAR"}})"), "tech");
  EXPECT_EQ(extended.adc_conversion(12).energy_pj, 6.4);
  EXPECT_EQ(extended.adc_conversion(12).source, "my 12-bit SAR");
  EXPECT_NEAR(extended.adc_conversion(10).energy_pj, std::sqrt(1.6 * 6.4), 1e-12);
  EXPECT_THROW(extended.apply_overrides(json::parse(R"({"adc_conversion_17bit":
      {"energy_pj": 1, "latency_ns": 1}})"), "tech"), Error);
  EXPECT_THROW(extended.apply_overrides(json::parse(R"({"adc_conversion_3bit": {"energy_pj": 1}})"), "tech"),
               Error);  // a new width needs both figures
}

TEST(Tech, OverridesApplyAndKeepTheSourceHonest) {
  Tech tech = Tech::defaults();
  tech.apply_overrides(json::parse(R"({"rram_set": {"energy_pj": 1.25},
                                       "trng_bit": {"energy_pj": 0.186, "latency_ns": 5, "source": "Zhang"},
                                       "endurance_cycles": {"value": 1e9}})"),
                       "tech");
  EXPECT_EQ(tech.at("rram_set").energy_pj, 1.25);
  EXPECT_EQ(tech.at("rram_set").latency_ns, 10);  // untouched field
  EXPECT_NE(tech.at("rram_set").source.find("tech.rram_set"), std::string::npos);
  EXPECT_NE(tech.at("rram_set").source.find("NVSim"), std::string::npos);
  EXPECT_EQ(tech.at("trng_bit").latency_ns, 5);
  EXPECT_EQ(tech.at("trng_bit").source, "Zhang");
  EXPECT_EQ(tech.endurance_cycles(), 1e9);
  EXPECT_NE(tech.endurance_source().find("tech.endurance_cycles"), std::string::npos);
  EXPECT_EQ(tech.at("rram_reset").energy_pj, 0.6);  // others untouched
  // The same value again is not a change: the source stays.
  Tech same = Tech::defaults();
  same.apply_overrides(json::parse(R"({"rram_read": {"energy_pj": 0.1}})"), "tech");
  EXPECT_EQ(same.at("rram_read").source, Tech::defaults().at("rram_read").source);
}

TEST(Tech, UnknownNamesSuggestTheNearest) {
  Tech tech = Tech::defaults();
  const std::string entry = error_of([&] { tech.apply_overrides(json::parse(R"({"rram_sett": {"energy_pj": 1}})"), "tech"); });
  EXPECT_NE(entry.find("tech.rram_sett"), std::string::npos) << entry;
  EXPECT_NE(entry.find("'rram_set'"), std::string::npos) << entry;
  const std::string field =
      error_of([&] { tech.apply_overrides(json::parse(R"({"rram_set": {"energy": 1}})"), "chip.tech"); });
  EXPECT_NE(field.find("chip.tech.rram_set.energy"), std::string::npos) << field;
  EXPECT_NE(field.find("'energy_pj'"), std::string::npos) << field;
  const std::string at = error_of([&] { tech.at("router_hop_eastwest"); });
  EXPECT_NE(at.find("'router_hop_east_west'"), std::string::npos) << at;
  const std::string endurance =
      error_of([&] { tech.apply_overrides(json::parse(R"({"endurance_cycle": {"value": 1}})"), "tech"); });
  EXPECT_NE(endurance.find("'endurance_cycles'"), std::string::npos) << endurance;
}

TEST(Tech, ValuesMustBeFiniteAndNonNegative) {
  Tech tech = Tech::defaults();
  const std::string negative =
      error_of([&] { tech.apply_overrides(json::parse(R"({"rram_set": {"energy_pj": -0.1}})"), "tech"); });
  EXPECT_NE(negative.find("tech.rram_set.energy_pj"), std::string::npos) << negative;
  EXPECT_NE(negative.find(">= 0"), std::string::npos) << negative;
  EXPECT_THROW(tech.apply_overrides(json::parse(R"({"rram_set": {"latency_ns": "fast"}})"), "tech"), Error);
  EXPECT_THROW(tech.apply_overrides(json::parse(R"({"rram_set": {"source": 3}})"), "tech"), Error);
  EXPECT_THROW(tech.apply_overrides(json::parse(R"({"rram_set": 0.6})"), "tech"), Error);
  EXPECT_THROW(tech.apply_overrides(json::parse(R"([1, 2])"), "tech"), Error);
  EXPECT_EQ(tech.at("rram_set").energy_pj, 0.6);
}

TEST(Tech, JsonRoundTrips) {
  const Tech tech = Tech::defaults();
  const Tech back = Tech::from_json(json::parse(tech.to_json().dump()), "roundtrip.json");
  EXPECT_EQ(back.to_json(), tech.to_json());
  const std::string message =
      error_of([] { Tech::from_json(json::parse(R"({"dac_row_drive": {"latency_ns": -1}})"), "mine.json"); });
  EXPECT_EQ(message.rfind("mine.json: dac_row_drive.latency_ns:", 0), 0u) << message;
}

// configs/tech/default.json is Tech::defaults() dumped. Set MX_UPDATE_TECH_JSON=1 to
// rewrite the file after changing the table in tech.cpp.
TEST(Tech, DefaultJsonFileEqualsTheDefaults) {
  const std::string path = std::string(MX_SOURCE_DIR) + "/configs/tech/default.json";
  const json expected = Tech::defaults().to_json();
  if (const char* update = std::getenv("MX_UPDATE_TECH_JSON"); update && std::string(update) == "1") {
    write_file_atomically(path, expected.dump(2) + "\n");
  }
  std::ifstream in(path);
  ASSERT_TRUE(in) << "missing " << path << " (run with MX_UPDATE_TECH_JSON=1 to create it)";
  const json on_disk = json::parse(in);
  EXPECT_EQ(on_disk, expected) << path << " differs from Tech::defaults(); rerun with MX_UPDATE_TECH_JSON=1";
}

// ---------------------------------------------------------------------------------------
// Energy ledger

TEST(EnergyLedger, ComponentsPhasesAndSamplesSumToTheTotalExactly) {
  EnergyLedger ledger;
  std::vector<ComponentId> ids;
  for (const char* name : {"crossbar", "adc", "dac", "rng", "router"}) ids.push_back(ledger.add_component(name));
  Rng rng(2024);
  EnergyTally previous = ledger.snapshot();
  int64_t samples_aj = 0;
  std::vector<int64_t> samples_component_aj(ids.size(), 0);
  for (int sample = 0; sample < 100; ++sample) {
    for (int i = 0; i < 97; ++i) {
      const ComponentId id = ids[rng.below(ids.size())];
      const Phase phase = rng.below(2) ? Phase::learning : Phase::inference;
      const double pj = rng.uniform() * 50.0 + 1e-7 * rng.uniform();  // awkward decimals
      ledger.charge_pj(id, phase, pj, 1 + rng.below(4));
    }
    const EnergyTally now = ledger.snapshot();
    const EnergyTally row = now - previous;
    samples_aj += row.total_aj();
    for (size_t c = 0; c < ids.size(); ++c) samples_component_aj[c] += row.component_aj(ids[c]);
    previous = now;
  }
  int64_t by_component = 0, by_pair = 0;
  for (ComponentId id : ids) {
    by_component += ledger.component_aj(id);
    by_pair += ledger.aj(id, Phase::inference) + ledger.aj(id, Phase::learning);
  }
  EXPECT_GT(ledger.total_aj(), 0);
  EXPECT_EQ(by_component, ledger.total_aj());
  EXPECT_EQ(by_pair, ledger.total_aj());
  EXPECT_EQ(ledger.phase_aj(Phase::inference) + ledger.phase_aj(Phase::learning), ledger.total_aj());
  EXPECT_EQ(samples_aj, ledger.total_aj());
  for (size_t c = 0; c < ids.size(); ++c) EXPECT_EQ(samples_component_aj[c], ledger.component_aj(ids[c]));
}

TEST(EnergyLedger, ChargesRoundOncePerOperationAndCountOperations) {
  EnergyLedger ledger;
  const ComponentId dac = ledger.add_component("dac");
  ledger.charge_pj(dac, Phase::inference, 0.0035, 3);
  EXPECT_EQ(ledger.total_aj(), 3 * 3500);
  ledger.charge_pj(dac, Phase::inference, 0.0000004);  // 0.4 aJ rounds to 0
  ledger.charge_pj(dac, Phase::inference, 0.0000006);  // 0.6 aJ rounds to 1
  EXPECT_EQ(ledger.total_aj(), 3 * 3500 + 1);
  ledger.charge(dac, Phase::learning, 1000, 2);
  EXPECT_EQ(ledger.operations(dac, Phase::inference), 5u);
  EXPECT_EQ(ledger.operations(dac, Phase::learning), 2u);
  EXPECT_EQ(ledger.operations(dac), 7u);
  EXPECT_DOUBLE_EQ(ledger.pj(dac, Phase::learning), 0.001);
}

TEST(EnergyLedger, PhasesAreKeptApart) {
  EnergyLedger ledger;
  const ComponentId rram = ledger.add_component("rram");
  const ComponentId adc = ledger.add_component("adc");
  ledger.charge_pj(rram, Phase::learning, 0.6, 10);
  ledger.charge_pj(adc, Phase::inference, 1.6, 4);
  ledger.charge_pj(rram, Phase::inference, 0.1, 20);
  EXPECT_EQ(ledger.phase_aj(Phase::learning), 6'000'000);
  EXPECT_EQ(ledger.phase_aj(Phase::inference), 6'400'000 + 2'000'000);
  EXPECT_EQ(ledger.aj(adc, Phase::learning), 0);
  EXPECT_DOUBLE_EQ(ledger.component_pj(rram), 8.0);
  EXPECT_DOUBLE_EQ(ledger.total_pj(), 14.4);

  const json report = ledger.to_json();
  EXPECT_DOUBLE_EQ(report["total"].get<double>(), 14.4);
  EXPECT_EQ(report["total_aj"].get<int64_t>(), 14'400'000);
  EXPECT_DOUBLE_EQ(report["by_component"]["rram"].get<double>(), 8.0);
  EXPECT_DOUBLE_EQ(report["by_phase"]["learning"].get<double>(), 6.0);
  EXPECT_DOUBLE_EQ(report["by_component_phase"]["adc"]["inference"].get<double>(), 6.4);
  EXPECT_EQ(report["operations"]["rram"].get<uint64_t>(), 30u);
}

TEST(EnergyLedger, NamesAreUniqueAndLateComponentsDiffFromZero) {
  EnergyLedger ledger;
  const ComponentId a = ledger.add_component("a");
  EXPECT_THROW(ledger.add_component("a"), Error);
  EXPECT_EQ(ledger.component("a"), a);
  EXPECT_THROW(ledger.component("b"), Error);
  ledger.charge(a, Phase::inference, 5);
  const EnergyTally before = ledger.snapshot();
  const ComponentId b = ledger.add_component("b");
  ledger.charge(b, Phase::learning, 7);
  const EnergyTally row = ledger.snapshot() - before;
  EXPECT_EQ(row.total_aj(), 7);
  EXPECT_EQ(row.component_aj(a), 0);
  EXPECT_EQ(row.component_aj(b), 7);
  EXPECT_EQ(ledger.to_json(row)["by_component"]["b"].get<double>(), 7e-6);
  ledger.reset();
  EXPECT_EQ(ledger.total_aj(), 0);
  EXPECT_EQ(ledger.operations(a), 0u);
  EXPECT_EQ(ledger.component_count(), 2u);
}

// ---------------------------------------------------------------------------------------
// Spike mesh

MeshSpec test_mesh(unsigned width, unsigned height) {
  MeshSpec spec;
  spec.width = width;
  spec.height = height;
  spec.east_west = {3.0, 4100};
  spec.north_south = {4.2, 6500};
  spec.local = {1.7, 2100};
  spec.serialization_ps = 1000;
  return spec;
}

TEST(MeshNoc, HopsAreManhattanAndPathsGoXFirst) {
  MeshNoc mesh(test_mesh(4, 3));
  for (unsigned src = 0; src < 12; ++src) {
    for (unsigned dst = 0; dst < 12; ++dst) {
      const int dx = std::abs(static_cast<int>(src % 4) - static_cast<int>(dst % 4));
      const int dy = std::abs(static_cast<int>(src / 4) - static_cast<int>(dst / 4));
      const std::vector<unsigned> path = mesh.path(src, dst);
      ASSERT_EQ(path.size(), static_cast<size_t>(dx + dy + 1));
      EXPECT_EQ(path.front(), src);
      EXPECT_EQ(path.back(), dst);
      // X first: the first dx steps stay in the source row, the rest in the destination column.
      for (int i = 0; i <= dx; ++i) EXPECT_EQ(path[i] / 4, src / 4);
      for (size_t i = dx; i < path.size(); ++i) EXPECT_EQ(path[i] % 4, dst % 4);
      mesh.reset_time();
      const RouteResult r = mesh.route(src, dst, 0);
      EXPECT_EQ(r.hops, static_cast<unsigned>(dx + dy));
      EXPECT_EQ(r.east_west_hops, static_cast<unsigned>(dx));
      EXPECT_EQ(r.north_south_hops, static_cast<unsigned>(dy));
    }
  }
  EXPECT_EQ(mesh.path(0, 11), (std::vector<unsigned>{0, 1, 2, 3, 7, 11}));
  EXPECT_EQ(mesh.path(11, 0), (std::vector<unsigned>{11, 10, 9, 8, 4, 0}));
}

TEST(MeshNoc, EnergyAndLatencyByDirection) {
  MeshNoc mesh(test_mesh(4, 4));
  const RouteResult east = mesh.route(0, 2, 1000);  // 2 east-west hops
  EXPECT_DOUBLE_EQ(east.energy_pj, 2 * 3.0 + 1.7);
  EXPECT_EQ(east.arrival_ps, 1000u + 2 * 4100 + 2100);
  const RouteResult south = mesh.route(0, 8, 0);  // 2 north-south hops
  EXPECT_DOUBLE_EQ(south.energy_pj, 2 * 4.2 + 1.7);
  EXPECT_EQ(south.arrival_ps, 2u * 6500 + 2100);
  const RouteResult both = mesh.route(15, 5, 0);
  EXPECT_DOUBLE_EQ(both.energy_pj, 2 * 3.0 + 2 * 4.2 + 1.7);
  EXPECT_EQ(both.arrival_ps, 2u * 4100 + 2 * 6500 + 2100);
  const RouteResult local = mesh.route(6, 6, 0);
  EXPECT_EQ(local.hops, 0u);
  EXPECT_DOUBLE_EQ(local.energy_pj, 1.7);
  EXPECT_EQ(local.arrival_ps, 2100u);
  EXPECT_EQ(east.queued_ps + south.queued_ps + both.queued_ps + local.queued_ps, 0u);
}

TEST(MeshNoc, PacketsOnTheSameLinkQueue) {
  MeshNoc mesh(test_mesh(4, 1));
  const RouteResult first = mesh.route(0, 3, 0);
  const RouteResult second = mesh.route(0, 3, 0);
  EXPECT_EQ(second.arrival_ps, first.arrival_ps + 1000);
  EXPECT_EQ(second.queued_ps, 1000u);
  // A burst: the k-th packet arrives k serialization times after the first.
  mesh.reset_time();
  uint64_t last = 0;
  for (int k = 0; k < 10; ++k) last = mesh.route(0, 3, 0).arrival_ps;
  EXPECT_EQ(last, first.arrival_ps + 9 * 1000);
  // Disjoint links do not interfere.
  mesh.reset_time();
  const RouteResult a = mesh.route(0, 1, 0);
  const RouteResult b = mesh.route(2, 3, 0);
  EXPECT_EQ(a.arrival_ps, b.arrival_ps);
  EXPECT_EQ(b.queued_ps, 0u);
  // A later packet finds the link free again.
  const RouteResult later = mesh.route(0, 1, 50'000);
  EXPECT_EQ(later.queued_ps, 0u);
  EXPECT_EQ(mesh.packets(), 15u);
}

TEST(MeshNoc, CountsBurstsRoutedOutOfInjectionOrder) {
  MeshNoc mesh(test_mesh(4, 1));
  mesh.route(0, 2, 10'000);
  mesh.route(0, 2, 10'000);  // the same time is not late
  EXPECT_EQ(mesh.late_injections(), 0u);
  mesh.route(0, 2, 5'000);  // injected before what its first link already served
  EXPECT_EQ(mesh.late_injections(), 1u);
  // Injected onto a link that has served only traffic that reached it later (router 1's east
  // link, first taken at 14.1 ns): late too.
  mesh.route(1, 3, 6'000);
  EXPECT_EQ(mesh.late_injections(), 2u);
  mesh.route(2, 2, 0);  // a local delivery takes only the ejection port: not counted
  EXPECT_EQ(mesh.late_injections(), 2u);
  mesh.reset_time();
  mesh.route(0, 2, 0);
  EXPECT_EQ(mesh.late_injections(), 2u);  // a count over the run; reset_time frees the links only
}

TEST(MeshNoc, ResetTimeFreesEveryLink) {
  MeshNoc mesh(test_mesh(2, 2));
  const RouteResult first = mesh.route(0, 3, 0);
  mesh.route(0, 3, 0);
  mesh.reset_time();
  EXPECT_EQ(mesh.route(0, 3, 0).arrival_ps, first.arrival_ps);
}

TEST(MeshNoc, ValidatesShapeAndRouterIds) {
  EXPECT_THROW(MeshNoc{test_mesh(0, 3)}, Error);
  EXPECT_THROW(MeshNoc{test_mesh(3, 0)}, Error);
  MeshNoc mesh(test_mesh(2, 2));
  const std::string message = error_of([&] { mesh.route(0, 4, 0); });
  EXPECT_NE(message.find("router 4"), std::string::npos) << message;
  EXPECT_THROW(mesh.path(7, 0), Error);
}

TEST(MeshNoc, SpecFromTechConvertsNanoseconds) {
  const MeshSpec spec = mesh_spec_from_tech(Tech::defaults(), 3, 2, 500);
  EXPECT_EQ(spec.east_west.latency_ps, 4100u);
  EXPECT_EQ(spec.north_south.latency_ps, 6500u);
  EXPECT_EQ(spec.local.latency_ps, 2100u);
  EXPECT_EQ(spec.east_west.energy_pj, 3.0);
  EXPECT_EQ(spec.serialization_ps, 500u);
}

// ---------------------------------------------------------------------------------------
// Chrome trace

const json* find_event(const json& events, const std::string& ph, const std::string& name) {
  for (const json& e : events) {
    if (e["ph"] == ph && e["name"] == name) return &e;
  }
  return nullptr;
}

TEST(ChromeTrace, WritesValidJsonWithSlicesCountersAndFlows) {
  ChromeTrace trace;
  const int tile = trace.track("tile 0");
  const int router = trace.track("router 1");
  EXPECT_EQ(trace.track("tile 0"), tile);
  const auto read = trace.name("read \"row\" 3");
  const auto energy = trace.name("energy_pj");
  const auto spike = trace.name("spike");
  trace.slice(tile, read, 1'500'000, 250, {{trace.name("rows"), 128}});
  trace.counter(energy, 2'000'001, {{trace.name("inference"), 1.25}, {trace.name("learning"), 0.5}});
  const uint64_t id = trace.new_flow_id();
  trace.slice(router, spike, 3'000'000, 4'100);
  trace.flow(tile, spike, ChromeTrace::FlowPhase::start, 1'500'100, id);
  trace.flow(router, spike, ChromeTrace::FlowPhase::end, 3'000'100, id);
  trace.set_metadata("config", "split_mnist");

  const json doc = json::parse(trace.dump());
  EXPECT_EQ(doc["displayTimeUnit"], "ns");
  EXPECT_EQ(doc["otherData"]["config"], "split_mnist");
  EXPECT_EQ(doc["otherData"]["dropped_events"], 0);
  const json& events = doc["traceEvents"];

  const json* name_meta = nullptr;
  for (const json& e : events) {
    if (e["ph"] == "M" && e["name"] == "thread_name" && e["tid"] == router) name_meta = &e;
  }
  ASSERT_NE(name_meta, nullptr);
  EXPECT_EQ((*name_meta)["args"]["name"], "router 1");

  const json* x = find_event(events, "X", "read \"row\" 3");
  ASSERT_NE(x, nullptr);
  EXPECT_EQ((*x)["pid"], 1);
  EXPECT_EQ((*x)["tid"], tile);
  EXPECT_DOUBLE_EQ((*x)["ts"].get<double>(), 1.5);
  EXPECT_DOUBLE_EQ((*x)["dur"].get<double>(), 0.00025);
  EXPECT_EQ((*x)["args"]["rows"], 128);

  const json* c = find_event(events, "C", "energy_pj");
  ASSERT_NE(c, nullptr);
  EXPECT_DOUBLE_EQ((*c)["ts"].get<double>(), 2.000001);
  EXPECT_DOUBLE_EQ((*c)["args"]["inference"].get<double>(), 1.25);
  EXPECT_DOUBLE_EQ((*c)["args"]["learning"].get<double>(), 0.5);

  const json* s = find_event(events, "s", "spike");
  const json* f = find_event(events, "f", "spike");
  ASSERT_NE(s, nullptr);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ((*s)["id"], id);
  EXPECT_EQ((*f)["id"], id);
  EXPECT_EQ((*f)["bp"], "e");
  EXPECT_EQ((*s)["cat"], (*f)["cat"]);
  EXPECT_EQ((*s)["tid"], tile);
  EXPECT_EQ((*f)["tid"], router);
}

TEST(ChromeTrace, TimesKeepEveryPicosecond) {
  ChromeTrace trace;
  const int t = trace.track("t");
  trace.slice(t, trace.name("a"), 1, 999'999);
  trace.slice(t, trace.name("b"), 123'456'789'012'345, 1);
  const std::string text = trace.dump();
  EXPECT_NE(text.find("\"ts\":0.000001,\"dur\":0.999999"), std::string::npos);
  EXPECT_NE(text.find("\"ts\":123456789.012345,\"dur\":0.000001"), std::string::npos);
  EXPECT_NO_THROW(json::parse(text));
}

TEST(ChromeTrace, DropsEventsPastTheCapAndSaysSo) {
  ChromeTrace trace(3);
  const int t = trace.track("t");
  const auto n = trace.name("op");
  for (int i = 0; i < 5; ++i) trace.slice(t, n, static_cast<uint64_t>(i) * 1000, 500, {{n, 1.0}});
  trace.counter(n, 10, {{n, 2.0}});
  EXPECT_EQ(trace.event_count(), 3u);
  EXPECT_EQ(trace.dropped_events(), 3u);
  const json doc = json::parse(trace.dump());
  EXPECT_EQ(doc["otherData"]["dropped_events"], 3);
  EXPECT_EQ(doc["otherData"]["max_events"], 3);
  int slices = 0;
  for (const json& e : doc["traceEvents"]) slices += e["ph"] == "X";
  EXPECT_EQ(slices, 3);
}

TEST(ChromeTrace, WritesTheFileAtomically) {
  ChromeTrace trace;
  const int t = trace.track("rng");
  trace.slice(t, trace.name("draw"), 0, 16'000, {{trace.name("nan"), std::nan("")}});
  const std::string path = std::string(MX_BINARY_DIR) + "/test_periph_trace.json";
  trace.write(path);
  std::ifstream in(path);
  ASSERT_TRUE(in);
  const json doc = json::parse(in);
  const json* x = find_event(doc["traceEvents"], "X", "draw");
  ASSERT_NE(x, nullptr);
  EXPECT_TRUE((*x)["args"]["nan"].is_null());
  std::remove(path.c_str());
}

}  // namespace
}  // namespace mx

TEST(MeshNoc, BurstHoldsLinksAndPaysPerPacket) {
  mx::MeshSpec spec;
  spec.width = 3;
  spec.height = 1;
  spec.east_west = {3.0, 4100};
  spec.local = {1.7, 2100};
  spec.serialization_ps = 1000;
  mx::MeshNoc single(spec), burst(spec);
  const mx::RouteResult one = single.route(0, 2, 0);
  const mx::RouteResult five = burst.route(0, 2, 0, 5);
  EXPECT_DOUBLE_EQ(five.energy_pj, 5 * one.energy_pj);
  EXPECT_EQ(five.arrival_ps, one.arrival_ps + 4 * 1000);
  // The links stay busy for the whole burst: the next packet queues behind it.
  const mx::RouteResult after = burst.route(0, 2, 0);
  EXPECT_EQ(after.queued_ps, 5 * 1000u);
  EXPECT_EQ(burst.packets(), 6u);
  EXPECT_EQ(burst.route(1, 2, 7, 0).arrival_ps, 7u);  // an empty burst is free
}
