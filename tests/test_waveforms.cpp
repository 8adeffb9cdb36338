// signals.vcd as GTKWave and Surfer read it: a parsed header with a scope and a `busy` count
// for every block of the chip, timestamps that only go forward, well-formed values, only
// the samples of the window, no SystemC warning, and not one number of the run changed by
// recording it.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "support/cli_harness.h"
#include "trace/vcd_writer.h"

using nlohmann::json;
using mx::testing_support::read_text;
using mx::testing_support::run_metaxbar;

namespace {

struct Var {
  std::string scope, name;
  unsigned bits;
};

// A VCD as a reader sees it; `error` says what is malformed ("" when nothing is).
struct Vcd {
  std::string timescale, error;
  std::map<std::string, Var> vars;                // by identifier code
  std::map<std::string, std::set<std::string>> scopes;  // scope -> signal names
  std::vector<uint64_t> times;
  // signal (scope.name) -> (time, value) in file order
  std::map<std::string, std::vector<std::pair<uint64_t, uint64_t>>> changes;
};

Vcd parse_vcd(const std::string& text) {
  Vcd vcd;
  std::istringstream in(text);
  std::string token;
  std::vector<std::string> scope;
  bool definitions = true, dumping = false;
  uint64_t now = 0;
  auto fail = [&](const std::string& what) {
    if (vcd.error.empty()) vcd.error = what;
  };
  while (in >> token) {
    if (definitions) {
      if (token == "$timescale") {
        std::string part;
        while (in >> part && part != "$end") vcd.timescale += (vcd.timescale.empty() ? "" : " ") + part;
      } else if (token == "$scope") {
        std::string kind, name, end;
        in >> kind >> name >> end;
        if (end != "$end") fail("$scope without $end");
        scope.push_back(name);
      } else if (token == "$upscope") {
        in >> token;
        if (scope.empty()) fail("$upscope without $scope");
        else scope.pop_back();
      } else if (token == "$var") {
        std::string kind, code, name, end;
        unsigned bits = 0;
        in >> kind >> bits >> code >> name >> end;
        if (end != "$end" || bits == 0 || vcd.vars.count(code)) fail("bad $var " + name);
        const std::string where = scope.empty() ? "" : scope.back();
        vcd.vars[code] = {where, name, bits};
        vcd.scopes[where].insert(name);
      } else if (token == "$enddefinitions") {
        in >> token;
        definitions = false;
        if (!scope.empty()) fail("unclosed $scope");
      } else if (token[0] == '$') {
        while (in >> token && token != "$end") {
        }
      }
      continue;
    }
    if (token == "$dumpvars") {
      dumping = true;
      continue;
    }
    if (token == "$end" && dumping) {
      dumping = false;
      continue;
    }
    uint64_t value = 0;
    std::string code;
    if (token[0] == '#') {
      now = std::stoull(token.substr(1));
      if (!vcd.times.empty() && now <= vcd.times.back()) fail("time goes back at #" + token.substr(1));
      vcd.times.push_back(now);
      continue;
    }
    if (vcd.times.empty()) fail("a value before the first timestamp");
    if (token[0] == 'b') {
      for (char c : token.substr(1)) {
        if (c != '0' && c != '1') fail("bad vector value " + token);
        value = value * 2 + (c == '1');
      }
      in >> code;
    } else if (token[0] == '0' || token[0] == '1') {
      value = token[0] == '1';
      code = token.substr(1);
    } else {
      fail("unexpected token " + token);
      continue;
    }
    const auto var = vcd.vars.find(code);
    if (var == vcd.vars.end()) {
      fail("value for undeclared code " + code);
      continue;
    }
    if (var->second.bits < 64 && (value >> var->second.bits)) fail("value wider than " + var->second.name);
    vcd.changes[var->second.scope + "." + var->second.name].push_back({now, value});
  }
  if (definitions) fail("no $enddefinitions");
  return vcd;
}

// The waveform scope of a block of summary.json's `blocks` (the timeline track it works on).
std::vector<std::string> scopes_of(const std::string& block, const json& entry, unsigned routers) {
  const std::string base = block.substr(block.rfind('.') + 1);
  const std::string kind = entry["kind"];
  if (kind == "tile") return {base, "adc_" + base.substr(5)};
  if (kind == "neuron_core") return {"neuron_core_" + base};
  if (kind == "learning_controller") return {"controller_" + base};
  if (kind == "rng") return {"rng_" + base};
  if (kind == "sram") return {"sram_" + base};
  if (kind == "digital_unit") return {"digital_unit"};
  std::vector<std::string> all;
  for (unsigned r = 0; r < routers; ++r) all.push_back("router_" + std::to_string(r));
  return all;
}

const char* kSmallRun =
    "/configs/default.json --mode timed --set data.train_samples=40 --set data.test_samples=10 "
    "--set 'task.pairs=[[0,1]]' --set data.dir=/usr/share/datasets/fashion-mnist --set trace.window_start=3";

}  // namespace

TEST(VcdWriter, IntervalsGiveCountsInTimeOrderWithoutGlitches) {
  mx::VcdWriter vcd;
  const int busy = vcd.signal("tile L0", "busy", 8), sample = vcd.signal("sequencer", "sample", 32);
  vcd.interval(busy, 300, 500);  // recorded before an earlier one: the writer sorts
  vcd.interval(busy, 100, 300);  // back to back with it: no 0 at 300
  vcd.interval(busy, 400, 450);  // overlapping: 2
  vcd.interval(busy, 600, 600);  // empty: nothing
  vcd.set(sample, 100, 7);
  const Vcd parsed = parse_vcd(vcd.dump());
  ASSERT_EQ(parsed.error, "");
  EXPECT_EQ(parsed.timescale, "1 ps");
  EXPECT_EQ(parsed.scopes.at("tile_L0"), std::set<std::string>{"busy"});
  const std::vector<std::pair<uint64_t, uint64_t>> expected = {{100, 1}, {400, 2}, {450, 1}, {500, 0}};
  EXPECT_EQ(parsed.changes.at("tile_L0.busy"), expected);
  EXPECT_EQ(parsed.changes.at("sequencer.sample"), (std::vector<std::pair<uint64_t, uint64_t>>{{100, 7}}));
}

TEST(VcdWriter, TheCapDropsWholeIntervalsAndSaysSo) {
  mx::VcdWriter vcd(5);
  const int busy = vcd.signal("tile", "busy", 8);
  for (uint64_t t = 0; t < 10; ++t) vcd.interval(busy, 10 * t, 10 * t + 20);
  EXPECT_EQ(vcd.change_count(), 4u);
  EXPECT_EQ(vcd.dropped_changes(), 16u);
  const std::string text = vcd.dump();
  EXPECT_NE(text.find("truncated: 16 changes"), std::string::npos);
  const Vcd parsed = parse_vcd(text);
  ASSERT_EQ(parsed.error, "");
  EXPECT_EQ(parsed.changes.at("tile.busy").back().second, 0u);  // every kept interval closes
}

TEST(Waveforms, PerBlockSignalsOfTheWindowOnlyAndNoNumberChanged) {
  const std::string dir = mx::testing_support::fresh_temp_dir("waves", "vcd");
  const std::string plain = mx::testing_support::fresh_temp_dir("waves", "plain");
  const auto traced = run_metaxbar(std::string("run ") + MX_SOURCE_DIR + kSmallRun +
                                   " --set trace.vcd=true --set trace.vcd_window_samples=2 --out " + dir);
  ASSERT_EQ(traced.exit_code, 0) << traced.output;
  // The file is our own writer's, at the kernel's 1 ps: SystemC has nothing to warn about.
  EXPECT_EQ(traced.output.find("Warning"), std::string::npos) << traced.output;
  EXPECT_EQ(traced.output.find("W713"), std::string::npos);
  const Vcd vcd = parse_vcd(read_text(dir + "/signals.vcd"));
  ASSERT_EQ(vcd.error, "");
  EXPECT_EQ(vcd.timescale, "1 ps");

  // A scope with a `busy` count for every block the summary lists.
  const json summary = json::parse(read_text(dir + "/summary.json"));
  const unsigned routers = summary["chip"]["mesh"][0].get<unsigned>() * summary["chip"]["mesh"][1].get<unsigned>();
  for (const auto& [block, entry] : summary["blocks"].items())
    for (const std::string& scope : scopes_of(block, entry, routers)) {
      ASSERT_TRUE(vcd.scopes.count(scope)) << block << " has no scope " << scope;
      EXPECT_TRUE(vcd.scopes.at(scope).count("busy")) << scope;
    }
  for (const char* name : {"sample", "task", "training", "step", "hidden_spikes", "pulses"})
    EXPECT_TRUE(vcd.scopes.at("sequencer").count(name)) << name;
  EXPECT_TRUE(vcd.scopes.at("controller_learning_controller").count("decide"));

  // Only the window's samples: training samples 3 and 4 (the first task trains first).
  std::set<uint64_t> samples;
  for (const auto& [time, value] : vcd.changes.at("sequencer.sample")) samples.insert(value);
  EXPECT_EQ(samples, (std::set<uint64_t>{3, 4}));
  // And every change lies inside them: from sample 3's start to sample 4's end (energy.csv).
  std::istringstream csv(read_text(dir + "/energy.csv"));
  std::string line;
  std::getline(csv, line);
  std::vector<uint64_t> cumulative_cycles;
  while (std::getline(csv, line)) cumulative_cycles.push_back(std::stoull(line.substr(line.rfind(',') + 1)));
  ASSERT_GT(cumulative_cycles.size(), 5u);
  const uint64_t cycle_ps = static_cast<uint64_t>(1e12 / summary["latency"]["clock_hz"].get<double>() + 0.5);
  ASSERT_FALSE(vcd.times.empty());
  EXPECT_GE(vcd.times.front(), cumulative_cycles[2] * cycle_ps);
  EXPECT_LE(vcd.times.back(), (cumulative_cycles[4] + 1) * cycle_ps);
  // Work really is recorded: some tile read, some router carried a burst.
  uint64_t busy_changes = 0;
  for (const auto& [signal, changes] : vcd.changes)
    if (signal.size() > 5 && signal.compare(signal.size() - 5, 5, ".busy") == 0) busy_changes += changes.size();
  EXPECT_GT(busy_changes, 100u);

  // The same run without waveforms: the same numbers, bit for bit.
  const auto untraced = run_metaxbar(std::string("run ") + MX_SOURCE_DIR + kSmallRun + " --out " + plain);
  ASSERT_EQ(untraced.exit_code, 0) << untraced.output;
  json a = summary, b = json::parse(read_text(plain + "/summary.json"));
  for (json* s : {&a, &b}) {
    s->erase("wall_s");
    s->erase("train_samples_per_s");
    s->erase("config");
    s->erase("build");
  }
  // (EXPECT_TRUE: a diff of two large texts would take gtest minutes to print.)
  EXPECT_TRUE(a.dump() == b.dump());
  EXPECT_TRUE(read_text(dir + "/energy.csv") == read_text(plain + "/energy.csv"));
  EXPECT_TRUE(read_text(dir + "/timeline.json") == read_text(plain + "/timeline.json"));
}

TEST(Waveforms, NoWindowNoChangesAndTheDigitalUnitHasItsScope) {
  // System B's chip, a zero-sample window: a header with every block and no value change
  // past the initial dump.
  const std::string dir = mx::testing_support::fresh_temp_dir("waves", "qnn");
  const auto run = run_metaxbar(std::string("run ") + MX_SOURCE_DIR +
                                "/configs/paper/mnist_fmnist_qnn_meta.json --mode timed --set data.dir=" MX_SOURCE_DIR
                                "/data/mnist --set data.train_samples=20 "
                                "--set data.test_samples=10 --set task.epochs=1 --set network.hidden=64 "
                                "--set trace.vcd=true --set trace.vcd_window_samples=0 --out " + dir);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const Vcd vcd = parse_vcd(read_text(dir + "/signals.vcd"));
  ASSERT_EQ(vcd.error, "");
  EXPECT_TRUE(vcd.scopes.count("digital_unit"));
  EXPECT_TRUE(vcd.scopes.at("sequencer").count("reprograms"));
  EXPECT_EQ(vcd.times.size(), 1u);
}
