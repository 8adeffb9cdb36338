// timeline.json as trace viewers need it: on every thread the slices are disjoint or
// nested (never partly overlapping), overlapping work sits on sub-tracks, nothing is lost,
// and a real timed run's timeline passes the same check.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include <nlohmann/json.hpp>

#include "support/cli_harness.h"
#include "trace/chrome_trace.h"

using nlohmann::json;
using mx::ChromeTrace;

namespace {

struct Interval {
  int64_t start, end;
};

int64_t ps(const json& us) { return std::llround(us.get<double>() * 1e6); }

// Per tid: the first slice that partly overlaps an open one, as text; "" when all nest.
std::string first_nesting_violation(const json& doc) {
  std::map<int64_t, std::vector<Interval>> by_tid;
  std::map<int64_t, std::string> names;
  for (const json& e : doc["traceEvents"]) {
    if (e["ph"] == "X") by_tid[e["tid"].get<int64_t>()].push_back({ps(e["ts"]), ps(e["ts"]) + ps(e["dur"])});
    if (e["ph"] == "M" && e["name"] == "thread_name") names[e["tid"].get<int64_t>()] = e["args"]["name"];
  }
  for (auto& [tid, slices] : by_tid) {
    std::stable_sort(slices.begin(), slices.end(), [](const Interval& a, const Interval& b) {
      return a.start != b.start ? a.start < b.start : a.end > b.end;
    });
    std::vector<int64_t> open;
    for (const Interval& s : slices) {
      while (!open.empty() && open.back() <= s.start) open.pop_back();
      if (!open.empty() && s.end > open.back())
        return names[tid] + ": [" + std::to_string(s.start) + ", " + std::to_string(s.end) +
               ") ps overlaps a slice open until " + std::to_string(open.back());
      open.push_back(s.end);
    }
  }
  return "";
}

size_t slice_count(const json& doc) {
  size_t n = 0;
  for (const json& e : doc["traceEvents"]) n += e["ph"] == "X";
  return n;
}

}  // namespace

TEST(TimelineNesting, OverlappingWorkGoesOnSubTracksAndNestingStaysOnOne) {
  ChromeTrace trace;
  const int tile = trace.track("tile 0");
  const int nested = trace.track("controller");
  const auto op = trace.name("op");
  // Two pulses overlapping by one picosecond, a third starting where the first ends.
  trace.slice(tile, op, 1000, 500);
  trace.slice(tile, op, 1499, 500);
  trace.slice(tile, op, 1500, 100);
  // Properly nested and back-to-back work needs no sub-track.
  trace.slice(nested, op, 0, 10'000);
  trace.slice(nested, op, 0, 4'000);
  trace.slice(nested, op, 4'000, 6'000);
  trace.slice(nested, op, 5'000, 1'000);
  const json doc = json::parse(trace.dump());
  EXPECT_EQ(first_nesting_violation(doc), "");
  EXPECT_EQ(slice_count(doc), 7u);
  EXPECT_EQ(trace.lanes(tile), 2u);
  EXPECT_EQ(trace.lanes(nested), 1u);
  bool sub_track = false;
  for (const json& e : doc["traceEvents"])
    sub_track |= e["ph"] == "M" && e["name"] == "thread_name" && e["args"]["name"] == "tile 0 #2";
  EXPECT_TRUE(sub_track);
}

TEST(TimelineNesting, RandomOverlapsAlwaysNestAndKeepEverySlice) {
  std::mt19937_64 random(7);
  ChromeTrace trace;
  const int track = trace.track("router 0");
  const auto op = trace.name("burst");
  std::multiset<std::pair<uint64_t, uint64_t>> written;
  for (int i = 0; i < 2000; ++i) {
    const uint64_t start = random() % 1'000'000, duration = 1 + random() % 20'000;
    trace.slice(track, op, start, duration);
    written.insert({start, duration});
  }
  const json doc = json::parse(trace.dump());
  EXPECT_EQ(first_nesting_violation(doc), "");
  std::multiset<std::pair<uint64_t, uint64_t>> read;
  for (const json& e : doc["traceEvents"])
    if (e["ph"] == "X") read.insert({static_cast<uint64_t>(ps(e["ts"])), static_cast<uint64_t>(ps(e["dur"]))});
  EXPECT_EQ(read, written);
  EXPECT_GT(trace.lanes(track), 1u);
}

TEST(TimelineNesting, ATimedRunNestsOnEveryTrack) {
  const std::string dir = mx::testing_support::fresh_temp_dir("timeline", "run");
  const auto run = mx::testing_support::run_metaxbar(
      std::string("run ") + MX_SOURCE_DIR +
      "/configs/default.json --set data.train_samples=60 --set data.test_samples=20 --set trace.window_samples=4 "
      "--set data.dir=/usr/share/datasets/fashion-mnist --out " + dir);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const json doc = json::parse(mx::testing_support::read_text(dir + "/timeline.json"));
  EXPECT_GT(slice_count(doc), 100u);
  EXPECT_EQ(first_nesting_violation(doc), "");
}
