// System A's write-verify (controller.write_verify): the closed loop of src/qnn/level_programmer
// that System B's digital unit programs with, on one device of a synapse at a time.
#include <gtest/gtest.h>

#include <cmath>

#include "common/error.h"
#include "config/config.h"
#include "learning/learning_rule.h"
#include "qnn/level_programmer.h"

namespace mx {
namespace {

SynapseArray make_array(double sigma_frac, unsigned n_mem = 1, size_t cols = 64, uint64_t seed = 3) {
  DeviceOptions options;
  options.n_mem = n_mem;
  options.w_max = 3.0;
  options.tile_rows = options.tile_cols = 256;
  Rng rng(seed);
  return SynapseArray(1, cols, LevelTable::generate(8, 10, 100, sigma_frac, true), options, rng);
}

TEST(LevelPosition, IsTheLevelAtItsMeanAndHalfWayOnItsBoundaries) {
  const LevelTable table = LevelTable::generate(8, 10, 100, 0.0, true);
  for (unsigned i = 0; i < table.size(); ++i) EXPECT_NEAR(level_position(table, table[i].r_ohm), i, 1e-12);
  for (unsigned i = 0; i + 1 < table.size(); ++i) {
    const double boundary = 0.5 * (table[i].r_ohm + table[i + 1].r_ohm);
    EXPECT_NEAR(level_position(table, boundary), i + 0.5, 1e-12);
  }
  // Every resistance lies within half a level of the level it snaps to.
  for (double r = table[table.size() - 1].r_ohm; r <= table[0].r_ohm; r *= 1.01)
    EXPECT_LE(std::abs(level_position(table, r) - table.nearest_level(r)), 0.5 + 1e-12) << r;
  EXPECT_LT(level_position(table, 2 * table[0].r_ohm), 0.0);  // beyond the lowest level
}

TEST(VerifiedWrite, ANoiselessDeviceTakesOnePulseAndTwoReads) {
  SynapseArray array = make_array(0.0);
  Rng rng(1);
  const unsigned before = array.table().nearest_level(array.resistance(0, 5, 0));
  ASSERT_LT(before, 7u);
  const ProgramOutcome o = verified_write(array, 0, 5, 0, +1, WriteVerify{true, 0.5, 4}, rng);
  EXPECT_TRUE(o.verified);
  EXPECT_EQ(o.set_pulses, 1u);
  EXPECT_EQ(o.reset_pulses, 0u);
  EXPECT_EQ(o.verify_reads, 2u);  // before the pulse and after it
  EXPECT_EQ(array.table().nearest_level(array.resistance(0, 5, 0)), before + 1);
}

TEST(VerifiedWrite, ANoisyTableTakesMorePulsesAndLandsOnTargetMoreOften) {
  // sigma 30 % of each level's mean: an open-loop pulse often lands nearer a neighbour.
  SynapseArray open = make_array(0.3), closed = make_array(0.3);
  Rng open_rng(9), closed_rng(9);
  unsigned open_hits = 0, closed_hits = 0, failures = 0, pulses = 0, writes = 0;
  for (int round = 0; round < 20; ++round)
    for (size_t col = 0; col < 64; ++col) {
      const int direction = (round + col) % 2 ? 1 : -1;
      const unsigned from = open.table().nearest_level(open.resistance(0, col, 0));
      const unsigned target = std::clamp<int>(int(from) + direction, 0, 7);
      open.program(0, col, 0, direction, open_rng);
      open_hits += open.table().nearest_level(open.resistance(0, col, 0)) == target;

      const unsigned closed_from = closed.table().nearest_level(closed.resistance(0, col, 0));
      const unsigned closed_target = std::clamp<int>(int(closed_from) + direction, 0, 7);
      const ProgramOutcome o = verified_write(closed, 0, col, 0, direction, WriteVerify{true, 0.5, 6}, closed_rng);
      closed_hits += closed.table().nearest_level(closed.resistance(0, col, 0)) == closed_target;
      failures += !o.verified;
      pulses += o.pulses();
      ++writes;
      // A verified write ends with a read on target: no noise on reads, so the device is there.
      if (o.verified) {
        EXPECT_EQ(closed.table().nearest_level(closed.resistance(0, col, 0)), closed_target);
      }
      EXPECT_EQ(o.verify_reads, o.pulses() + 1);
    }
  EXPECT_GT(pulses, writes);                 // re-pulses happened
  EXPECT_GT(closed_hits, open_hits + 100u);  // and put devices on target
  EXPECT_LT(failures, (writes - open_hits) / 2) << open_hits << " " << closed_hits << " " << pulses;
}

TEST(VerifiedWrite, AStuckDeviceFailsAfterTheBound) {
  DeviceOptions options;
  options.w_max = 3.0;
  options.stuck_at_low = 1.0;
  Rng init(1), rng(2);
  SynapseArray array(1, 1, LevelTable::generate(8, 10, 100, 0.05, true), options, init);
  const ProgramOutcome o = verified_write(array, 0, 0, 0, +1, WriteVerify{true, 0.5, 5}, rng);
  EXPECT_FALSE(o.verified);
  EXPECT_EQ(o.pulses(), 5u);
  EXPECT_EQ(o.ineffective_pulses, 5u);
  EXPECT_EQ(o.verify_reads, 6u);
}

TEST(VerifiedWrite, ADeviceAlreadyOnAClampedTargetGetsNoPulse) {
  SynapseArray array = make_array(0.0);
  Rng rng(1);
  for (int i = 0; i < 8; ++i) array.program(0, 0, 0, -1, rng);  // to level 0, exactly its mean
  const ProgramOutcome o = verified_write(array, 0, 0, 0, -1, WriteVerify{true, 0.2, 4}, rng);
  EXPECT_TRUE(o.verified);
  EXPECT_EQ(o.pulses(), 0u);
  EXPECT_EQ(o.verify_reads, 1u);
}

TEST(VerifiedWrite, ATighterToleranceCentresDevicesAtTheCostOfPulses) {
  auto spread = [](double tolerance, unsigned& pulses) {
    SynapseArray array = make_array(0.2);
    Rng rng(4);
    double distance = 0;
    for (size_t col = 0; col < 64; ++col) {
      const ProgramOutcome o = verified_write(array, 0, col, 0, col % 2 ? 1 : -1, WriteVerify{true, tolerance, 12}, rng);
      pulses += o.pulses();
      const double position = level_position(array.table(), array.resistance(0, col, 0));
      distance += std::abs(position - std::round(position));
    }
    return distance / 64;
  };
  unsigned loose_pulses = 0, tight_pulses = 0;
  const double loose = spread(0.5, loose_pulses), tight = spread(0.15, tight_pulses);
  EXPECT_LT(tight, loose);
  EXPECT_GT(tight_pulses, loose_pulses);
}

TEST(VerifiedWrite, ApplyPulseCountsTheLoopOrOnePulse) {
  SynapseArray a = make_array(0.3, 2), b = make_array(0.3, 2);
  Rng ra(5), rb(5);
  LearningActivity open, verified;
  WriteBatch batch;
  for (uint32_t col = 0; col < 64; ++col) batch.moves.push_back({0, col, int8_t(col % 3 ? 1 : -1)});
  batch.device = 1;
  program_batch(a, batch, WriteVerify{}, ra, open);
  program_batch(b, batch, WriteVerify{true, 0.5, 4}, rb, verified);
  EXPECT_EQ(open.pulses(), 64u);
  EXPECT_EQ(open.verify_reads, 0u);
  EXPECT_GT(verified.pulses(), 0u);
  EXPECT_EQ(verified.verify_reads, 64u + verified.pulses());
  // Only device 1 of each synapse was written.
  for (size_t col = 0; col < 64; ++col) EXPECT_EQ(b.write_counts()[col * 2], 0u);
}

TEST(VerifyConfig, BadValuesNameTheirKey) {
  for (const char* assignment : {"controller.verify_tolerance=0.7", "controller.verify_tolerance=-0.1",
                                 "controller.verify_max_pulses=0", "controller.verify_max_pulses=2.5",
                                 "controller.verify_tolerance=\"x\""}) {
    Config config;
    try {
      config.set(assignment);
      ADD_FAILURE() << assignment << " was accepted";
    } catch (const Error& e) {
      const std::string what = e.what();
      const std::string key = std::string(assignment).substr(0, std::string(assignment).find('='));
      EXPECT_NE(what.find(key), std::string::npos) << what;
      EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    }
  }
  Config config;
  config.set("controller.write_verify=true");
  config.set("controller.verify_tolerance=0.25");
  config.set("controller.verify_max_pulses=7");
  const WriteVerify v = write_verify_spec(config);
  EXPECT_TRUE(v.on);
  EXPECT_DOUBLE_EQ(v.tolerance, 0.25);
  EXPECT_EQ(v.max_pulses, 7u);
}

}  // namespace
}  // namespace mx
