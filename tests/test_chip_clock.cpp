// The chip's 64-bit picosecond clock cannot wrap silently: tech latencies past the stated
// bound are refused before the run with a line naming the entry, a run at the largest
// allowed latencies and the slowest allowed clock keeps exact time, and a reservation that
// would pass 2^64 ps stops with an error naming its block.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <limits>

#include <nlohmann/json.hpp>

#include "models/chip_context.h"
#include "support/cli_harness.h"

using nlohmann::json;
using mx::testing_support::read_text;
using mx::testing_support::run_metaxbar;

namespace {

// Every entry of the shipped tech table with the given latency.
std::string every_latency(double ns) {
  const json table = json::parse(read_text(std::string(MX_SOURCE_DIR) + "/configs/tech/default.json"));
  json overrides = json::object();
  for (const auto& [name, entry] : table.items())
    if (entry.is_object() && entry.contains("latency_ns")) overrides[name] = {{"latency_ns", ns}};
  return overrides.dump();
}

std::string run_args(const std::string& dir, const std::string& tech) {
  return std::string("run ") + MX_SOURCE_DIR +
         "/configs/default.json --mode timed --set data.dir=/usr/share/datasets/fashion-mnist "
         "--set data.train_samples=4 --set data.test_samples=2 --set 'task.pairs=[[0,1]]' "
         "--set clock.frequency_hz=1e3 --set dac.bits=16 --set 'tech=" + tech + "' --out " + dir;
}

}  // namespace

TEST(ChipClock, AReservationPastTwoToTheSixtyFourNamesItsBlock) {
  mx::BlockRecord record{"chip.tile_L0_r0_c0", "tile", 0, 0, 0};
  mx::Resource resource;
  resource.attach(&record);
  const uint64_t top = std::numeric_limits<uint64_t>::max();
  EXPECT_EQ(resource.reserve(top - 10, 10), top);  // exactly 2^64 - 1 ps still fits
  try {
    resource.reserve(0, 1);
    FAIL() << "no overflow reported";
  } catch (const mx::Error& e) {
    EXPECT_NE(std::string(e.what()).find("chip.tile_L0_r0_c0"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("overflows the 64-bit picosecond clock"), std::string::npos) << e.what();
  }
  EXPECT_THROW(mx::add_chip_time(top, 1, "a test"), mx::Error);
}

TEST(ChipClock, TheLargestAllowedLatenciesAtTheSlowestClockKeepExactTime) {
  const std::string dir = mx::testing_support::fresh_temp_dir("clock", "largest");
  const auto run = run_metaxbar(run_args(dir, every_latency(1e6)));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const json summary = json::parse(read_text(dir + "/summary.json"));
  const json& latency = summary["latency"];
  // A 1 kHz clock and 1 ms operations: tens of seconds of chip time for a handful of samples,
  // still exact to the picosecond in the kernel, and in whole cycles.
  EXPECT_GT(latency["sim_time_s"].get<double>(), 10.0);
  EXPECT_EQ(latency["kernel_time_s"], latency["sim_time_s"]);
  EXPECT_EQ(latency["clock_hz"].get<double>(), 1e3);
  for (const auto& [name, block] : summary["blocks"].items())
    EXPECT_LE(block["busy_ps"].get<double>(), 1e19) << name;
  EXPECT_GT(summary["energy_pj"]["total_aj"].get<int64_t>(), 0);
}

TEST(ChipClock, ALatencyPastTheBoundIsRefusedNamingTheEntry) {
  const std::string dir = mx::testing_support::fresh_temp_dir("clock", "past");
  const auto run = run_metaxbar(run_args(dir, R"({"rram_set": {"latency_ns": 1.5e6}})"));
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.output.find("tech entry 'rram_set': latency_ns 1.5e+06 is above 1e6 ns"), std::string::npos)
      << run.output;
  EXPECT_EQ(std::count(run.output.begin(), run.output.end(), '\n'), 1) << run.output;
  EXPECT_FALSE(std::ifstream(dir + "/summary.json").good());
}

TEST(ChipClock, StaticEnergyPastTheLedgerIsAnErrorNotANegativeFigure) {
  // Four minutes of chip time at ~63 mW of leakage is ~15 J: past the 9.2 J that 64-bit
  // attojoules hold. It once came out as negative power.
  const std::string dir = mx::testing_support::fresh_temp_dir("clock", "static");
  std::string args = run_args(dir, every_latency(1e6));
  args.replace(args.find("train_samples=4"), 15, "train_samples=10");
  args.replace(args.find("test_samples=2"), 14, "test_samples=10");
  const auto run = run_metaxbar(args);
  EXPECT_NE(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("overflows the 64-bit attojoule ledger"), std::string::npos) << run.output;
}
