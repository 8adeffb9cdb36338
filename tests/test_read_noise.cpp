// Read noise is bounded and physical: whatever sigma the schema allows, no device read leaves
// the level table's physical range, and a write pulse moves a device by one level at most.
#include <gtest/gtest.h>

#include "device/synapse_array.h"
#include "xbar/tiled_read.h"

using namespace mx;

namespace {

DeviceOptions single_device(double sigma) {
  DeviceOptions o;
  o.n_mem = 1;
  o.read_noise = sigma;
  o.noise_seed = 77;
  return o;
}

const double kSigmas[] = {0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 1.0};

}  // namespace

TEST(ReadNoise, NoReadLeavesThePhysicalRange) {
  const LevelTable table = LevelTable::generate(16, 10, 100, 0.05, true);
  for (double sigma : kSigmas) {
    Rng init(3), rng(4);
    SynapseArray array(32, 16, table, single_device(sigma), init);
    const double lo = array.g_min_s() * (1 - 1e-6), hi = array.g_max_s() * (1 + 1e-6);
    for (int round = 0; round < 40; ++round)
      for (size_t r = 0; r < array.rows(); ++r)
        for (size_t c = 0; c < array.cols(); ++c) {
          // One device per synapse: the weight read gives the device's conductance back.
          const double inference = array.conductance_of_weight(array.inference_weight(r, c));
          const double controller = array.conductance_of_weight(array.read_weight(r, c, rng));
          ASSERT_GE(inference, lo) << sigma;
          ASSERT_LE(inference, hi) << sigma;
          ASSERT_GE(controller, lo) << sigma;
          ASSERT_LE(controller, hi) << sigma;
        }
  }
}

TEST(ReadNoise, APulseNeverMovesADeviceMoreThanOneLevel) {
  // Levels narrow enough that a programmed device always lands in its target level, so any
  // jump of more than one level would be the read noise's doing.
  const LevelTable table = LevelTable::generate(16, 10, 100, 0.005, true);
  for (double sigma : kSigmas) {
    Rng init(5), rng(6);
    SynapseArray array(64, 8, table, single_device(sigma), init);
    for (int pulse = 0; pulse < 30; ++pulse)
      for (size_t r = 0; r < array.rows(); ++r)
        for (size_t c = 0; c < array.cols(); ++c) {
          const int before = static_cast<int>(table.nearest_level(array.resistance(r, c, 0)));
          array.program(r, c, 0, (r + c + pulse) % 3 ? +1 : -1, rng);
          const int after = static_cast<int>(table.nearest_level(array.resistance(r, c, 0)));
          ASSERT_LE(std::abs(after - before), 1) << "sigma " << sigma;
        }
  }
}

TEST(ReadNoise, EveryInferenceReadDrawsAgainAndTheDrawsAreReproducible) {
  const LevelTable table = LevelTable::generate(16, 10, 100, 0.05, true);
  Rng init_a(8), init_b(8);
  DeviceOptions options = single_device(0.2);
  options.n_mem = 3;
  SynapseArray a(8, 8, table, options, init_a), b(8, 8, table, options, init_b);
  const float first = a.inference_weight(2, 3), second = a.inference_weight(2, 3);
  EXPECT_NE(first, second);
  EXPECT_EQ(first, b.inference_weight(2, 3));
  EXPECT_EQ(second, b.inference_weight(2, 3));
  // A tile read goes through the noisy reads; without noise it is the cached weights' sum.
  std::vector<uint32_t> rows = {0, 1, 5};
  std::vector<float> noisy(8), clean(8);
  tile_partial_sums(a, rows.data(), rows.data() + rows.size(), 0, 8, Adc(AdcSpec{}), noisy.data());
  DeviceOptions quiet = options;
  quiet.read_noise = 0;
  Rng init_c(8);
  SynapseArray c(8, 8, table, quiet, init_c);
  tile_partial_sums(c, rows.data(), rows.data() + rows.size(), 0, 8, Adc(AdcSpec{}), clean.data());
  for (size_t j = 0; j < 8; ++j) {
    EXPECT_FLOAT_EQ(clean[j], c.weight(0, j) + c.weight(1, j) + c.weight(5, j));
    EXPECT_NE(noisy[j], clean[j]);
    EXPECT_NEAR(noisy[j], clean[j], 2.0);
  }
}
