#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "common/error.h"
#include "device/level_table.h"
#include "device/synapse_array.h"
#include "support/error_of.h"

using namespace mx;

namespace {

using mx::testing_support::error_of;

LevelTable noiseless_table(size_t count = 8) { return LevelTable::generate(count, 10, 100, 0.0, true); }

}  // namespace

TEST(LevelTable, EvenlySpacedConductancesFrom10To100MicroSiemens) {
  const LevelTable table = LevelTable::generate(8, 10, 100, 0.05, true);
  ASSERT_EQ(table.size(), 8u);
  for (size_t i = 0; i < 8; ++i) {
    const double g_us = 1e6 / table[i].r_ohm;
    EXPECT_NEAR(g_us, 10 + i * 90.0 / 7, 1e-9);
    EXPECT_NEAR(table[i].r_std_ohm, 0.05 * table[i].r_ohm, 1e-9);
  }
}

TEST(LevelTable, GeometricResistancesSpanTheRange) {
  const LevelTable table = LevelTable::generate(8, 10, 100, 0.05, false);
  EXPECT_NEAR(table[0].r_ohm, 100e3, 1e-6);
  EXPECT_NEAR(table[7].r_ohm, 10e3, 1e-6);
  EXPECT_NEAR(table[1].r_ohm / table[0].r_ohm, table[2].r_ohm / table[1].r_ohm, 1e-12);
}

TEST(LevelTable, NearestLevelSnapsToClosestMean) {
  const LevelTable table = noiseless_table();
  for (size_t i = 0; i < table.size(); ++i) {
    EXPECT_EQ(table.nearest_level(table[i].r_ohm), i);
    EXPECT_EQ(table.nearest_level(table[i].r_ohm * 1.01), i);
    EXPECT_EQ(table.nearest_level(table[i].r_ohm * 0.99), i);
  }
  EXPECT_EQ(table.nearest_level(1e9), 0u);
  EXPECT_EQ(table.nearest_level(1.0), table.size() - 1);
}

TEST(LevelTable, AcceptsEitherOrderAndRejectsNonMonotonic) {
  const LevelTable ascending({{1e4, 1}, {2e4, 1}, {5e4, 1}}, "t");
  EXPECT_DOUBLE_EQ(ascending[0].r_ohm, 5e4);  // level 0 = lowest conductance
  const std::string message = error_of([] { LevelTable({{1e4, 1}, {3e4, 1}, {2e4, 1}}, "my_table.csv"); });
  EXPECT_NE(message.find("my_table.csv"), std::string::npos) << message;
  EXPECT_NE(message.find("not monotonic"), std::string::npos) << message;
  EXPECT_NE(error_of([] { LevelTable({{1e4, 1}}, "t"); }).find("at least 2"), std::string::npos);
  EXPECT_NE(error_of([] { LevelTable({{1e4, 1}, {-2e4, 1}}, "t"); }).find("positive"), std::string::npos);
}

TEST(LevelTable, LoadsCsvAndJsonAndNamesBadRows) {
  const std::string csv = testing::TempDir() + "/levels.csv";
  std::ofstream(csv) << "r_ohm,r_std_ohm\n100000,5000\n50000,2500\n10000,500\n";
  const LevelTable table = LevelTable::from_config(csv, "device.levels");
  EXPECT_EQ(table.size(), 3u);
  EXPECT_DOUBLE_EQ(table[2].r_ohm, 1e4);

  const std::string bad = testing::TempDir() + "/bad_levels.csv";
  std::ofstream(bad) << "r_ohm,r_std_ohm\n100000,5000\nabc,1\n";
  const std::string message = error_of([&] { LevelTable::from_file(bad); });
  EXPECT_NE(message.find("bad_levels.csv:3"), std::string::npos) << message;

  const auto array = nlohmann::json::parse(R"([{"r_ohm": 1e5, "r_std_ohm": 0}, {"r_ohm": 1e4}])");
  EXPECT_EQ(LevelTable::from_config(array, "device.levels").size(), 2u);
  const auto typo = nlohmann::json::parse(R"({"count": 8, "g_min": 10})");
  EXPECT_NE(error_of([&] { LevelTable::from_config(typo, "device.levels"); }).find("unknown key 'g_min'"),
            std::string::npos);
}

TEST(SynapseArray, ExtremeStatesMapToPlusMinusWmax) {
  for (unsigned n_mem : {1u, 2u, 7u}) {
    DeviceOptions options;
    options.n_mem = n_mem;
    options.w_max = 3.0;
    Rng rng(1);
    SynapseArray array(1, 1, noiseless_table(), options, rng);
    const double g_low = n_mem / array.table()[0].r_ohm, g_high = n_mem / array.table()[7].r_ohm;
    EXPECT_NEAR(array.weight_of_conductance(g_low), -3.0, 1e-9);
    EXPECT_NEAR(array.weight_of_conductance(g_high), 3.0, 1e-9);
    // W = R_f / R_par - R_f / R_b, the paper's read-out circuit.
    EXPECT_NEAR(array.r_f() * g_high - array.r_f() / array.r_b(), 3.0, 1e-9);
  }
}

TEST(SynapseArray, InitialWeightsSpreadOverInitRange) {
  DeviceOptions options;
  options.n_mem = 7;
  options.w_max = 3.0;
  Rng rng(3);
  SynapseArray array(100, 100, noiseless_table(), options, rng);
  double low = 0, high = 0, sum = 0;
  for (float w : array.weights()) {
    EXPECT_GE(w, -1.0f - 1e-5f);
    EXPECT_LE(w, 1.0f + 1e-5f);
    low += w < -0.5f, high += w > 0.5f, sum += w;
  }
  // Four equal buckets: about a quarter of the synapses in each outer bucket, mean near 0.
  EXPECT_NEAR(low / 1e4, 0.25, 0.03);
  EXPECT_NEAR(high / 1e4, 0.25, 0.03);
  EXPECT_NEAR(sum / 1e4, 0.0, 0.05);
}

TEST(SynapseArray, CoarseTableStartsOnBothSidesOfZero) {
  // 4 levels, one device: weights ±1/3 and ±1, none inside ±0.2.
  DeviceOptions options;
  options.n_mem = 1;
  options.w_max = 1.0;
  options.init_range = 0.2;
  Rng rng(5);
  SynapseArray array(50, 40, LevelTable::generate(4, 10, 100, 0.0, true), options, rng);
  double negative = 0;
  for (float w : array.weights()) {
    EXPECT_NEAR(std::fabs(w), 1.0 / 3.0, 1e-5);
    negative += w < 0;
  }
  EXPECT_EQ(negative, 1000);  // half the synapses on each side
}

TEST(SynapseArray, ProgrammingMovesOneLevelAndClampsAtTheEnds) {
  DeviceOptions options;
  options.n_mem = 1;
  options.w_max = 3.5;  // 8 levels: weights -3.5, -2.5, ..., 3.5
  Rng rng(5);
  SynapseArray array(1, 1, noiseless_table(), options, rng);
  const LevelTable& table = array.table();
  auto level = [&] { return table.nearest_level(array.resistance(0, 0, 0)); };
  const unsigned start = level();
  const PulseResult up = array.program(0, 0, 0, +1, rng);
  EXPECT_TRUE(up.applied);
  EXPECT_TRUE(up.set);
  EXPECT_EQ(level(), start + 1);
  EXPECT_NEAR(array.weight(0, 0), -3.5 + (start + 1), 1e-4);
  for (int i = 0; i < 20; ++i) array.program(0, 0, 0, +1, rng);
  EXPECT_EQ(level(), 7u);
  EXPECT_NEAR(array.weight(0, 0), 3.5, 1e-4);
  for (int i = 0; i < 20; ++i) array.program(0, 0, 0, -1, rng);
  EXPECT_EQ(level(), 0u);
  EXPECT_EQ(array.write_counts()[0], 41u);
}

TEST(SynapseArray, ProgrammedResistanceFollowsLevelStatistics) {
  const LevelTable table = LevelTable::generate(8, 10, 100, 0.05, true);
  DeviceOptions options;
  options.n_mem = 1;
  Rng rng(7);
  SynapseArray array(1, 1, table, options, rng);
  // From level 0 (pushed against the bottom each time, since a noisy read can snap to the
  // wrong level), one SET pulse must land on level 1's distribution.
  double sum = 0, sum_sq = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    for (int k = 0; k < 3; ++k) array.program(0, 0, 0, -1, rng);
    array.program(0, 0, 0, +1, rng);
    const double r = array.resistance(0, 0, 0);
    sum += r, sum_sq += r * r;
  }
  const double mean = sum / n, std = std::sqrt(sum_sq / n - mean * mean);
  EXPECT_NEAR(mean / table[1].r_ohm, 1.0, 0.002);
  EXPECT_NEAR(std / table[1].r_std_ohm, 1.0, 0.03);
}

TEST(SynapseArray, OnlyTheAddressedDeviceChanges) {
  DeviceOptions options;
  options.n_mem = 7;
  Rng rng(9);
  SynapseArray array(2, 2, noiseless_table(), options, rng);
  std::vector<float> before;
  for (unsigned k = 0; k < 7; ++k) before.push_back(array.resistance(1, 0, k));
  array.program(1, 0, 3, -1, rng);
  for (unsigned k = 0; k < 7; ++k) {
    if (k == 3) continue;
    EXPECT_EQ(array.resistance(1, 0, k), before[k]);
  }
  EXPECT_EQ(array.write_counts()[(1 * 2 + 0) * 7 + 3], 1u);
}

TEST(SynapseArray, WornOutDeviceStopsChanging) {
  DeviceOptions options;
  options.n_mem = 1;
  options.endurance_cycles = 3;
  Rng rng(11);
  SynapseArray array(1, 1, noiseless_table(), options, rng);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(array.program(0, 0, 0, (i % 2) ? -1 : 1, rng).applied);
  const float frozen = array.resistance(0, 0, 0);
  EXPECT_FALSE(array.program(0, 0, 0, +1, rng).applied);
  EXPECT_EQ(array.resistance(0, 0, 0), frozen);
  EXPECT_EQ(array.worn_out_devices(), 1u);
}

TEST(SynapseArray, StuckDevicesSitAtTheirBound) {
  DeviceOptions options;
  options.n_mem = 1;
  options.stuck_at_high = 1.0;
  Rng rng(13);
  SynapseArray array(4, 4, noiseless_table(), options, rng);
  for (size_t r = 0; r < 4; ++r)
    for (size_t c = 0; c < 4; ++c) {
      EXPECT_EQ(array.table().nearest_level(array.resistance(r, c, 0)), 7u);
      EXPECT_FALSE(array.program(r, c, 0, -1, rng).applied);
    }
}
