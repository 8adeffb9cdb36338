// The deployment schedule: durations, the calendar's checks, and a small two-task run whose
// functional and timed models agree bit for bit with drift, read noise and IR drop all on.
#include <gtest/gtest.h>

#include "common/error.h"
#include "config/config.h"
#include "life/schedule.h"
#include "tb/experiment.h"
#include "support/error_of.h"

using namespace mx;

namespace {

using mx::testing_support::error_of;

Config small_run() {
  Config config;
  config.set("data.dir", "/usr/share/datasets/fashion-mnist");
  config.set("task.pairs", json::array({{0, 1}, {2, 3}}));
  config.set("data.train_per_class", 100);
  config.set("data.test_samples", 1000);
  config.set("network.hidden", 64);
  config.set("tile.rows", 100);  // uneven tiles
  config.set("tile.cols", 32);
  config.set("device.n_mem", 2);
  config.set("schedule.task_times", json::array({"0d", "7d"}));
  config.set("schedule.eval_times", json::array({"1d", "30d", "10y"}));
  return config;
}

}  // namespace

TEST(Schedule, DurationsAndTheirErrors) {
  EXPECT_EQ(parse_duration("90s", "x"), 90);
  EXPECT_EQ(parse_duration("15min", "x"), 900);
  EXPECT_EQ(parse_duration("1.5h", "x"), 5400);
  EXPECT_EQ(parse_duration("7d", "x"), 7 * 86400);
  EXPECT_EQ(parse_duration("2w", "x"), 14 * 86400);
  EXPECT_EQ(parse_duration("3y", "x"), 3 * 365 * 86400.0);
  EXPECT_EQ(parse_duration(42, "x"), 42);
  EXPECT_NE(error_of([] { parse_duration("7 days", "schedule.task_times[1]"); }).find("'schedule.task_times[1]'"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_duration("-1d", "p"); }).find("expected a duration"), std::string::npos);
  Config config = small_run();
  config.set("schedule.task_times", json::array({"0d"}));
  EXPECT_NE(error_of([&] { schedule_from_config(config, 2); }).find("each of the 2 tasks"), std::string::npos);
  config.set("schedule.task_times", json::array({"7d", "1d"}));
  EXPECT_NE(error_of([&] { schedule_from_config(config, 2); }).find("increasing"), std::string::npos);
}

TEST(Lifetime, DriftCostsAccuracyOverTheYearsAndNothingWithoutIt) {
  for (bool drift : {false, true}) {
    // One task, then idle: the accuracy right after training against the same task later.
    Config config = small_run();
    config.set("task.pairs", json::array({{0, 1}}));
    config.set("schedule.task_times", json::array({"0d"}));
    config.set("device.drift", drift ? "power_law" : "none");
    // A ReRAM-like exponent (docs/devices.md): the PCM defaults erase the task in minutes.
    config.set("device.drift_nu_low", 0.002);
    config.set("device.drift_nu_high", 0.001);
    config.set("device.drift_nu_std_low", 0.0005);
    config.set("device.drift_nu_std_high", 0.0005);
    const json summary = run_experiment(config, nullptr).summary;
    const json& life = summary["lifetime"];
    const json& evals = life["evaluations"];
    ASSERT_EQ(evals.size(), 3u);
    const double trained = summary["accuracy"]["matrix"][0][0].get<double>();
    EXPECT_GT(trained, 0.8);
    const double ten_years = evals[2]["accuracy"][0].get<double>();
    const double thirty_days = evals[1]["accuracy"][0].get<double>();
    if (drift) {
      EXPECT_LT(ten_years, trained - 0.05);
      EXPECT_LT(ten_years, thirty_days);  // the loss grows with idle time
    } else {
      // The weights do not move; only the input encoding's draws differ between tests.
      EXPECT_NEAR(ten_years, trained, 0.03);
      EXPECT_NEAR(thirty_days, trained, 0.03);
    }
    EXPECT_EQ(evals[0]["after_tasks"], 1);
    EXPECT_GT(life["wear"]["max_writes_per_device"].get<uint64_t>(), 0u);
  }
}

TEST(Lifetime, FunctionalAndTimedAgreeBitForBitWithEveryDeviceEffectOn) {
  Config config = small_run();
  config.set("device.drift", "power_law");
  config.set("device.read_noise", 0.05);
  config.set("tile.wire_r_ohm", 0.5);
  config.set("adc.bits", 6);
  config.set("mode", "functional");
  const json functional = run_experiment(config, nullptr).summary;
  config.set("mode", "timed");
  const json timed = run_experiment(config, nullptr).summary;
  EXPECT_EQ(functional["accuracy"], timed["accuracy"]);
  EXPECT_EQ(functional["updates"], timed["updates"]);
  EXPECT_EQ(functional["lifetime"]["evaluations"], timed["lifetime"]["evaluations"]);
  EXPECT_EQ(functional["lifetime"]["wear"], timed["lifetime"]["wear"]);
  EXPECT_EQ(functional["device"]["reads"], timed["device"]["reads"]);
  EXPECT_GT(timed["lifetime"]["energy"]["per_day_j"].get<double>(), 0);
  EXPECT_GT(timed["lifetime"]["energy"]["battery_life_days"].get<double>(), 0);
}
