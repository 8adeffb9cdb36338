// Drift: every device relaxes by the power law from the time of its own last write, reads
// see the drifted conductance, and with drift off moving the clock changes nothing.
#include <gtest/gtest.h>

#include <cmath>

#include "device/synapse_array.h"

using namespace mx;

namespace {

DeviceOptions drifting(bool on) {
  DeviceOptions o;
  o.n_mem = 2;
  o.drift.enabled = on;
  o.noise_seed = 12;
  return o;
}

constexpr double kDay = 86400, kYear = 365 * kDay;

}  // namespace

TEST(Drift, OffMovingTheClockChangesNothing) {
  const LevelTable table = LevelTable::generate(16, 10, 100, 0.05, true);
  Rng init(1);
  SynapseArray array(20, 10, table, drifting(false), init);
  const std::vector<float> before = array.weights();
  array.set_clock(10 * kYear);
  EXPECT_EQ(array.weights(), before);
}

TEST(Drift, EachDeviceFollowsThePowerLawFromItsLastWrite) {
  const LevelTable table = LevelTable::generate(16, 10, 100, 0.05, true);
  Rng init(2), rng(3);
  SynapseArray array(20, 10, table, drifting(true), init);
  const float r0 = array.resistance(4, 5, 1);
  const double nu = array.drift_exponent(4, 5, 1), t0 = DriftParams{}.t0_s;
  EXPECT_GT(nu, 0);
  array.set_clock(kDay);
  EXPECT_NEAR(r0 / array.resistance(4, 5, 1), std::pow((kDay + t0) / t0, -nu), 1e-5);
  // A device written now starts again from its fresh state and a new exponent.
  array.program(4, 5, 1, +1, rng);
  const float fresh = array.resistance(4, 5, 1);
  EXPECT_EQ(array.last_write_s(4, 5, 1), kDay);
  array.set_clock(kDay);
  EXPECT_EQ(array.resistance(4, 5, 1), fresh);
  array.set_clock(kDay + 3600);
  EXPECT_GT(array.resistance(4, 5, 1), fresh);
  // Conductance only falls, the more the longer the wait, and never below the physical range.
  const std::vector<float> day = array.weights();
  array.set_clock(kYear);
  const std::vector<float> year = array.weights();
  array.set_clock(100 * kYear);
  for (size_t i = 0; i < day.size(); ++i) {
    EXPECT_LE(year[i], day[i]);
    EXPECT_LE(array.weights()[i], year[i]);
  }
  for (size_t r = 0; r < 20; ++r)
    for (size_t c = 0; c < 10; ++c)
      for (unsigned k = 0; k < 2; ++k) EXPECT_GE(1.0 / array.resistance(r, c, k), array.g_min_s() * 0.999999);
}
