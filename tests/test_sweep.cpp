// Design-space sweeps: expanding a sweep file into points (product, ranges, constraints,
// stable ids), rejecting bad files before anything runs with the JSON path in the message,
// sharding, tables, Pareto fronts, and — through the real binary — running, failing,
// resuming after a kill, merging shards and writing Slurm scripts.
#include <fcntl.h>
#include <gtest/gtest.h>

#include "support/cli_harness.h"
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "tb/sweep.h"
#include "tb/sweep_check.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using nlohmann::ordered_json;

const std::string kFashion = "/usr/share/datasets/fashion-mnist";

std::string temp_dir(const std::string& name) { return mx::testing_support::fresh_temp_dir("sweep", name); }

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

using mx::testing_support::read_text;

// A base config for a tiny but real run: one task of split-Fashion-MNIST, 200/100 samples.
std::string tiny_base(const std::string& dir) {
  const std::string path = dir + "/base.json";
  write(path, R"({"data": {"dir": ")" + kFashion +
                  R"(", "train_samples": 200, "test_samples": 100}, "task": {"pairs": [[0, 1]]}})");
  return path;
}

// A sweep document over tiny_base; `body` holds the other top-level members.
std::string sweep_text(const std::string& dir, const std::string& body) {
  return R"({"base": ")" + tiny_base(dir) + "\"" + (body.empty() ? "" : ", " + body) + "}";
}

mx::Sweep parse(const std::string& dir, const std::string& body) {
  return mx::parse_sweep(ordered_json::parse(sweep_text(dir, body)), "s.json");
}

std::string parse_error(const std::string& dir, const std::string& body) {
  try {
    parse(dir, body);
  } catch (const mx::Error& e) {
    return e.what();
  }
  return "(no error)";
}

#define EXPECT_CONTAINS(text, needle) EXPECT_NE(std::string(text).find(needle), std::string::npos) << (text)

using mx::testing_support::Outcome;

Outcome metaxbar(const std::string& args) { return mx::testing_support::run_metaxbar(args); }

// The table with wall_s removed: the only column that may differ between equal runs.
std::vector<json> rows_without_wall_time(const std::string& jsonl_path) {
  std::vector<json> rows;
  std::istringstream lines(read_text(jsonl_path));
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    json row = json::parse(line);
    row.erase("wall_s");
    rows.push_back(row);
  }
  return rows;
}

// Four tiny points: two n_mem values x two seeds.
std::string write_tiny_sweep(const std::string& dir, const std::string& axes = R"({"device.n_mem": [1, 7]})",
                             const std::string& seeds = "[1, 2]") {
  const std::string path = dir + "/sweep.json";
  write(path, sweep_text(dir, R"("axes": )" + axes + R"(, "seeds": )" + seeds));
  return path;
}

}  // namespace

// ---- expansion ----

TEST(SweepExpand, CartesianProductInFileOrderWithSeedsInnermost) {
  const std::string dir = temp_dir("product");
  const mx::Sweep sweep = parse(dir, R"("axes": {"device.n_mem": [1, 2], "adc.bits": [0, 4, 8]}, "seeds": [1, 2],
                                      "set": {"data.train_samples": 300})");
  ASSERT_EQ(sweep.points.size(), 12u);
  EXPECT_EQ(sweep.axis_keys(), (std::vector<std::string>{"device.n_mem", "adc.bits"}));
  size_t i = 0;
  for (int n_mem : {1, 2})
    for (int bits : {0, 4, 8})
      for (uint64_t seed : {1, 2}) {
        const mx::SweepPoint& p = sweep.points[i];
        EXPECT_EQ(p.index, i);
        EXPECT_EQ(p.values["device.n_mem"], n_mem);
        EXPECT_EQ(p.values["adc.bits"], bits);
        EXPECT_EQ(p.seed, seed);
        // The point's config: base + set + axis values + seed, fully resolved.
        const json config = sweep.point_config(p);
        EXPECT_EQ(config["device"]["n_mem"], n_mem);
        EXPECT_EQ(config["adc"]["bits"], bits);
        EXPECT_EQ(config["seed"], seed);
        EXPECT_EQ(config["data"]["train_samples"], 300);
        EXPECT_EQ(config["data"]["test_samples"], 100);
        EXPECT_EQ(config["data"]["dir"], kFashion);
        EXPECT_TRUE(config.contains("network"));  // defaults filled in
        ++i;
      }
}

TEST(SweepExpand, RangesIncludeTheirStopAndKeepIntegersIntegral) {
  const std::string dir = temp_dir("ranges");
  const mx::Sweep sweep = parse(dir, R"("axes": {"tile.rows": {"range": [64, 256, 64]},
                                                 "adc.full_scale": {"range": [0.1, 0.5, 0.1]}},
                                      "seeds": {"range": [3, 1, -1]})");
  EXPECT_EQ(sweep.axes[0].values, (std::vector<json>{64, 128, 192, 256}));
  EXPECT_TRUE(sweep.axes[0].values[1].is_number_integer());
  ASSERT_EQ(sweep.axes[1].values.size(), 5u);
  EXPECT_EQ(sweep.axes[1].values[2].dump(), "0.3");  // not 0.30000000000000004
  EXPECT_EQ(sweep.axes[1].values[4].dump(), "0.5");
  EXPECT_EQ(sweep.seeds, (std::vector<uint64_t>{3, 2, 1}));
  EXPECT_EQ(sweep.points.size(), 4u * 5u * 3u);
  const mx::Sweep two = parse(dir, R"("axes": {"device.n_mem": {"range": [1, 3]}})");
  EXPECT_EQ(two.axes[0].values, (std::vector<json>{1, 2, 3}));
}

TEST(SweepExpand, ConstraintsDropPointsByIfThenAndExclude) {
  const std::string dir = temp_dir("constraints");
  const mx::Sweep sweep = parse(dir, R"("axes": {"rule.kind": ["prob_meta", "grad_acc", "none"], "device.n_mem": [1, 7]},
      "seeds": [1, 2],
      "constraints": [{"if": {"rule.kind": "grad_acc"}, "then": {"device.n_mem": 7}},
                      {"exclude": {"rule.kind": ["none"], "seed": 2}}])");
  // 12 combinations; grad_acc with n_mem 1 (2 seeds) and none with seed 2 (2 n_mem) go.
  ASSERT_EQ(sweep.points.size(), 8u);
  for (size_t i = 0; i < sweep.points.size(); ++i) {
    const auto& p = sweep.points[i];
    EXPECT_EQ(p.index, i);  // indices stay contiguous after the drops
    EXPECT_FALSE(p.values["rule.kind"] == "grad_acc" && p.values["device.n_mem"] == 1) << p.values;
    EXPECT_FALSE(p.values["rule.kind"] == "none" && p.seed == 2) << p.values;
  }
}

TEST(SweepExpand, ListValuedAxesAndObjectValuesWork) {
  const std::string dir = temp_dir("lists");
  const mx::Sweep sweep = parse(dir, R"("axes": {
      "task.pairs": [[[0, 1]], [[2, 3]]],
      "device.levels": [{"count": 4, "g_min_us": 10, "g_max_us": 100, "sigma_frac": 0.05, "spacing": "conductance"},
                        {"count": 8, "g_min_us": 10, "g_max_us": 100, "sigma_frac": 0.05, "spacing": "conductance"}]},
      "constraints": [{"exclude": {"task.pairs": [[[2, 3]]]}}])");
  ASSERT_EQ(sweep.points.size(), 2u);
  EXPECT_EQ(sweep.point_config(sweep.points[1])["device"]["levels"]["count"], 8);
  EXPECT_EQ(sweep.point_config(sweep.points[1])["task"]["pairs"], json::parse("[[0, 1]]"));
  EXPECT_EQ(mx::value_label(sweep.points[0].values["task.pairs"]), "[[0,1]]");
}

TEST(SweepExpand, IdsAreStableUniqueAndDependOnlyOnValuesAndSeed) {
  const std::string dir = temp_dir("ids");
  const std::string body = R"("axes": {"device.n_mem": [1, 2], "adc.bits": [0, 4]}, "seeds": [1, 2])";
  const mx::Sweep a = parse(dir, body), b = parse(dir, body);
  std::set<std::string> ids;
  for (size_t i = 0; i < a.points.size(); ++i) {
    EXPECT_EQ(a.points[i].id, b.points[i].id);
    EXPECT_EQ(a.points[i].id.size(), 12u);
    EXPECT_EQ(a.points[i].id.find_first_not_of("0123456789abcdef"), std::string::npos);
    ids.insert(a.points[i].id);
  }
  EXPECT_EQ(ids.size(), a.points.size());
  // Adding a value, reordering the axes or writing 4 as 4.0 keeps every old point's id, so
  // a resumed or extended sweep finds its finished points.
  const mx::Sweep grown = parse(dir, R"("axes": {"adc.bits": [0, 4.0, 8], "device.n_mem": [1, 2]}, "seeds": [1, 2, 3])");
  std::set<std::string> grown_ids;
  for (const auto& p : grown.points) grown_ids.insert(p.id);
  for (const auto& id : ids) EXPECT_TRUE(grown_ids.count(id)) << id;
  // A different base or set changes the fingerprint, the lineage and every id: the id
  // hashes the point's resolved config, so two sweeps computing different configs never
  // share a point directory.
  EXPECT_EQ(a.fingerprint, b.fingerprint);
  EXPECT_EQ(grown.lineage, a.lineage);
  const mx::Sweep other = parse(dir, body + R"(, "set": {"data.test_samples": 50})");
  EXPECT_NE(other.fingerprint, a.fingerprint);
  EXPECT_NE(other.lineage, a.lineage);
  for (const auto& p : other.points) EXPECT_FALSE(ids.count(p.id)) << p.id;
}

TEST(SweepExpand, SeedsDefaultToTheBaseSeedAndAxesAreOptional) {
  const std::string dir = temp_dir("defaults");
  const mx::Sweep sweep = parse(dir, "");
  ASSERT_EQ(sweep.points.size(), 1u);
  EXPECT_EQ(sweep.points[0].seed, 1u);
  EXPECT_TRUE(sweep.axes.empty());
}

TEST(SweepExpand, ManifestRoundTrips) {
  const std::string dir = temp_dir("manifest");
  const mx::Sweep sweep = parse(dir, R"("description": "d", "axes": {"device.n_mem": [1, 7]}, "seeds": [4, 5])");
  const mx::Sweep back = mx::sweep_from_manifest(json::parse(sweep.manifest().dump()), "sweep.json");
  EXPECT_EQ(back.fingerprint, sweep.fingerprint);
  EXPECT_EQ(back.description, "d");
  EXPECT_EQ(back.axis_keys(), sweep.axis_keys());
  ASSERT_EQ(back.points.size(), sweep.points.size());
  for (size_t i = 0; i < back.points.size(); ++i) {
    EXPECT_EQ(back.points[i].id, sweep.points[i].id);
    EXPECT_EQ(back.points[i].values, sweep.points[i].values);
    EXPECT_EQ(back.points[i].seed, sweep.points[i].seed);
  }
}

// ---- validation: a bad sweep file names the JSON path ----

TEST(SweepValidate, UnknownTopLevelKeySuggestsTheNearest) {
  const std::string dir = temp_dir("unknown_top");
  EXPECT_CONTAINS(parse_error(dir, R"("axis": {})"), "s.json: unknown key 'axis' — did you mean 'axes'?");
}

TEST(SweepValidate, EmptyAxis) {
  const std::string dir = temp_dir("empty_axis");
  EXPECT_CONTAINS(parse_error(dir, R"("axes": {"adc.bits": []})"), "s.json: axes.adc.bits: empty");
}

TEST(SweepValidate, ValueTheConfigRejectsNamesItsIndex) {
  const std::string dir = temp_dir("bad_value");
  EXPECT_CONTAINS(parse_error(dir, R"("axes": {"adc.bits": [0, 4, 40]})"),
                  "s.json: axes.adc.bits[2]: 'adc.bits': expected an integer in [0, 16], got 40");
  EXPECT_CONTAINS(parse_error(dir, R"("axes": {"rng.draw_policy": ["layer", "neuron"]})"),
                  "s.json: axes.rng.draw_policy[1]: 'rng.draw_policy': expected one of layer | post | synapse");
  EXPECT_CONTAINS(parse_error(dir, R"("axes": {"tile.rows": {"range": [64, 512, 64]}}, "set": {"tile.cols": "wide"})"),
                  "s.json: set.tile.cols: 'tile.cols': expected an integer");
  EXPECT_CONTAINS(parse_error(dir, R"("seeds": [1, -2])"), "s.json: seeds[1]: 'seed': expected an integer");
}

TEST(SweepValidate, UnknownConfigKeyInAnAxis) {
  const std::string dir = temp_dir("unknown_axis");
  EXPECT_CONTAINS(parse_error(dir, R"("axes": {"tile.rowz": [64]})"),
                  "s.json: axes.tile.rowz[0]: unknown key 'tile.rowz' — did you mean 'tile.rows'?");
}

TEST(SweepValidate, MissingOrUnreadableBase) {
  const std::string dir = temp_dir("base");
  std::string message;
  try {
    mx::parse_sweep(ordered_json::parse(R"({"base": ")" + dir + R"(/nowhere.json"})"), "s.json");
  } catch (const mx::Error& e) {
    message = e.what();
  }
  EXPECT_CONTAINS(message, "s.json: base: cannot open config file '" + dir + "/nowhere.json'");
  try {
    mx::parse_sweep(ordered_json::parse(R"({"axes": {}})"), "s.json");
  } catch (const mx::Error& e) {
    message = e.what();
  }
  EXPECT_CONTAINS(message, "s.json: base: expected the path");
  write(dir + "/broken.json", R"({"tile": {"rowz": 3}})");
  try {
    mx::parse_sweep(ordered_json::parse(R"({"base": ")" + dir + R"(/broken.json"})"), "s.json");
  } catch (const mx::Error& e) {
    message = e.what();
  }
  EXPECT_CONTAINS(message, "broken.json: unknown key 'tile.rowz'");
}

TEST(SweepValidate, MalformedAxesSeedsAndConstraints) {
  const std::string dir = temp_dir("malformed");
  EXPECT_CONTAINS(parse_error(dir, R"("axes": {"adc.bits": 4})"), "s.json: axes.adc.bits: expected a list of values");
  EXPECT_CONTAINS(parse_error(dir, R"("axes": {"adc.bits": [0, 4, 0]})"), "axes.adc.bits[2]: duplicate of axes.adc.bits[0]");
  EXPECT_CONTAINS(parse_error(dir, R"("axes": {"tile.rows": {"range": [256, 64, 64]}})"),
                  "s.json: axes.tile.rows.range: the step goes away from stop");
  EXPECT_CONTAINS(parse_error(dir, R"("axes": {"tile.rows": {"range": [64, 128, 0]}})"), "axes.tile.rows.range");
  EXPECT_CONTAINS(parse_error(dir, R"("axes": {"seed": [1, 2]})"), "s.json: axes.seed: sweep seeds with the top-level");
  EXPECT_CONTAINS(parse_error(dir, R"("set": {"seed": 3})"), "s.json: set.seed");
  EXPECT_CONTAINS(parse_error(dir, R"("seeds": [])"), "s.json: seeds: empty");
  EXPECT_CONTAINS(parse_error(dir, R"("axes": {"adc.bits": [0, 4]}, "constraints": [{"if": {"tile.cols": 64}, "then": {"adc.bits": 4}}])"),
                  "s.json: constraints[0].if.tile.cols: 'tile.cols' is not an axis");
  EXPECT_CONTAINS(parse_error(dir, R"("axes": {"adc.bits": [0, 4]}, "constraints": [{"if": {"adc.bits": 0}, "then": {"adc.bits": [4, 5]}}])"),
                  "s.json: constraints[0].then.adc.bits[1]: 5 is not a value of 'adc.bits'");
  EXPECT_CONTAINS(parse_error(dir, R"("axes": {"adc.bits": [0, 4]}, "constraints": [{"unless": {"adc.bits": 0}}])"),
                  "s.json: constraints[0]: expected {\"if\"");
  EXPECT_CONTAINS(parse_error(dir, R"("axes": {"adc.bits": [0, 4]}, "constraints": [{"exclude": {"adc.bits": [0, 4]}}])"),
                  "s.json: constraints: every point is excluded");
}

TEST(SweepValidate, CommandRejectsABadSweepBeforeAnyPointRuns) {
  const std::string dir = temp_dir("cli_bad");
  write(dir + "/bad.json", sweep_text(dir, R"("axes": {"device.n_mem": [1, 7, 100]})"));
  const Outcome outcome = metaxbar("sweep " + dir + "/bad.json --out " + dir + "/out -j 1");
  EXPECT_EQ(outcome.exit_code, 1) << outcome.output;
  EXPECT_CONTAINS(outcome.output, "metaxbar: error: " + dir + "/bad.json: axes.device.n_mem[2]: 'device.n_mem': expected an integer in [1, 64], got 100");
  EXPECT_FALSE(fs::exists(dir + "/out/points"));
  write(dir + "/typo.json", "{\"base\": \"x\",}");
  EXPECT_CONTAINS(metaxbar("sweep " + dir + "/typo.json").output, "typo.json: not valid JSON");
  EXPECT_CONTAINS(metaxbar("sweep " + dir + "/nothere.json").output, "nothere.json: cannot open sweep file");
  EXPECT_CONTAINS(metaxbar("sweep " + write_tiny_sweep(dir) + " --shard 2/2").output, "--shard '2/2': expected I/N");
  EXPECT_CONTAINS(metaxbar("sweep " + write_tiny_sweep(dir) + " --partition x").output, "--partition needs --slurm");
}

// Values each valid on its own key but a run would refuse: found for every point before
// the first one starts, naming the point and the key.
std::string point_check_error(const std::string& dir, const std::string& body) {
  try {
    mx::check_sweep_points(parse(dir, body));
  } catch (const mx::Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(SweepValidate, EveryPointsFullCheckRunsBeforeAnyPoint) {
  const std::string dir = temp_dir("point_checks");
  EXPECT_EQ(point_check_error(dir, R"("axes": {"device.n_mem": [1, 7]}, "seeds": [1, 2])"), "(no error)");
  EXPECT_CONTAINS(point_check_error(dir, R"("axes": {"device.levels": [{"count": 16}, {"count": 1}]})"),
                  "s.json: point 1 (device.levels={\"count\":1}, seed 1): device.levels.count: expected an integer in [2, 1024]");
  EXPECT_CONTAINS(point_check_error(dir, R"("axes": {"task.pairs": [[[0, 1]], [[3, 3]]]})"),
                  "s.json: point 1 (task.pairs=[[3,3]], seed 1): 'task.pairs': split tasks: class pair (3, 3): the two classes must differ");
  EXPECT_CONTAINS(point_check_error(dir, R"("set": {"network.kind": "qnn"}, "axes": {"device.n_mem": [1, 7]})"),
                  "'device.n_mem': System B (network.kind \"qnn\") programs one device per weight; expected 1, got 7");
  EXPECT_CONTAINS(point_check_error(dir, R"("axes": {"tech": [")" + dir + R"(/no-tech.json"]})"),
                  "s.json: point 0 (tech=\"" + dir + "/no-tech.json\", seed 1): " + dir + "/no-tech.json: cannot open tech file");
}

TEST(SweepValidate, ABadPointAddedToAFinishedSweepRunsNothingAndKeepsItsResults) {
  const std::string dir = temp_dir("point_checks_cli");
  const std::string sweep = dir + "/sweep.json";
  write(sweep, sweep_text(dir, R"("axes": {"task.pairs": [[[0, 1]]]})"));
  ASSERT_EQ(metaxbar("sweep " + sweep + " --out " + dir + "/out -j 1").exit_code, 0);
  const std::string table = read_text(dir + "/out/results.jsonl"), manifest = read_text(dir + "/out/sweep.json");
  write(sweep, sweep_text(dir, R"("axes": {"task.pairs": [[[0, 1]], [[2, 3]], [[4, 4]]]})"));
  const Outcome outcome = metaxbar("sweep " + sweep + " --out " + dir + "/out -j 1");
  EXPECT_EQ(outcome.exit_code, 1) << outcome.output;
  EXPECT_CONTAINS(outcome.output, "metaxbar: error: " + sweep + ": point 2 (task.pairs=[[4,4]], seed 1): 'task.pairs': ");
  EXPECT_EQ(std::count(outcome.output.begin(), outcome.output.end(), '\n'), 1) << outcome.output;
  EXPECT_EQ(read_text(dir + "/out/results.jsonl"), table);
  EXPECT_EQ(read_text(dir + "/out/sweep.json"), manifest);
  size_t point_dirs = 0;
  for (const auto& entry : fs::directory_iterator(dir + "/out/points")) point_dirs += entry.is_directory();
  EXPECT_EQ(point_dirs, 1u) << "a point folder was made for a sweep that was refused";
}

// ---- sharding ----

TEST(SweepShard, ParsesAndRejects) {
  const mx::Shard shard = mx::parse_shard("2/5");
  EXPECT_EQ(shard.index, 2u);
  EXPECT_EQ(shard.count, 5u);
  EXPECT_EQ(shard.table_stem(), "results-shard-2-of-5");
  EXPECT_EQ(mx::parse_shard("0/1").table_stem(), "results");
  for (const char* bad : {"5/5", "1/0", "a/2", "1", "-1/2", "1/2/3", "/2", "1/", " 1/2"})
    EXPECT_THROW(mx::parse_shard(bad), mx::Error) << bad;
}

TEST(SweepShard, EveryPointRunsInExactlyOneShard) {
  const std::string dir = temp_dir("shards");
  const mx::Sweep sweep = parse(dir, R"("axes": {"adc.bits": {"range": [0, 12]}})");  // 13 points
  for (size_t n = 1; n <= 7; ++n) {
    std::vector<int> owners(sweep.points.size(), 0);
    for (size_t i = 0; i < n; ++i)
      for (const auto& p : sweep.points) owners[p.index] += mx::Shard{i, n}.contains(p.index);
    for (size_t p = 0; p < owners.size(); ++p) EXPECT_EQ(owners[p], 1) << "point " << p << " of " << n << " shards";
  }
}

// ---- tables ----

TEST(SweepTable, CsvQuotesAndJsonlRoundTrips) {
  mx::ResultRow ok;
  ok.index = 0;
  ok.point = "aaaaaaaaaaaa";
  ok.values = {{"device.levels", {{"count", 4}}}, {"rule.kind", "prob_meta"}};
  ok.seed = 1;
  ok.status = "ok";
  ok.metrics = {{"accuracy.final_mean", 0.75}, {"wall_s", 1.5}};
  mx::ResultRow failed = ok;
  failed.index = 1;
  failed.point = "bbbbbbbbbbbb";
  failed.status = "failed";
  failed.error = "x.json: 'a', \"b\"";
  failed.metrics = json::object();
  const std::vector<std::string> keys = {"device.levels", "rule.kind"};
  const std::string csv = mx::results_csv(keys, {ok, failed});
  EXPECT_CONTAINS(csv, "point,index,device.levels,rule.kind,seed,status,error,accuracy.final_mean,energy_pj.total,");
  EXPECT_CONTAINS(csv, "aaaaaaaaaaaa,0,\"{\"\"count\"\":4}\",prob_meta,1,ok,,0.75,,,,,,,,1.5,,,,,,,,,,,\n");  // build, recosted_from empty
  EXPECT_CONTAINS(csv, "bbbbbbbbbbbb,1,\"{\"\"count\"\":4}\",prob_meta,1,failed,\"x.json: 'a', \"\"b\"\"\",,,,,,,,,,,,,,,,,,,,\n");
  const auto back = mx::parse_results_jsonl(mx::results_jsonl(keys, {ok, failed}), keys, "t.jsonl");
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].values, ok.values);
  EXPECT_EQ(back[0].metrics, ok.metrics);
  EXPECT_EQ(back[1].error, failed.error);
  EXPECT_EQ(back[1].status, "failed");
  EXPECT_THROW(mx::parse_results_jsonl("{\"point\": 1}\n", keys, "t.jsonl"), mx::Error);
}

TEST(SweepTable, FailedPointReportsItsErrorLine) {
  const std::string dir = temp_dir("row");
  mx::SweepPoint point;
  point.index = 3;
  point.id = "cccccccccccc";
  point.values = {{"adc.bits", 4}};
  point.seed = 2;
  write(dir + "/stderr.txt", "some warning\nmetaxbar: error: data/x: cannot open\n");
  mx::ResultRow row = mx::read_point_row(point, dir, "exited with status 1");
  EXPECT_EQ(row.status, "failed");
  EXPECT_EQ(row.error, "data/x: cannot open");
  write(dir + "/stderr.txt", "");
  EXPECT_EQ(mx::read_point_row(point, dir, "killed by signal 9").error, "killed by signal 9");
  write(dir + "/summary.json", R"({"accuracy": {"final_mean": 0.5}, "updates": {"max_writes_per_device": 3}, "wall_s": 2})");
  row = mx::read_point_row(point, dir, "");
  EXPECT_EQ(row.status, "ok");
  EXPECT_EQ(row.metrics, json({{"accuracy.final_mean", 0.5}, {"updates.max_writes_per_device", 3}, {"wall_s", 2}}));
}

// ---- Pareto ----

namespace {
mx::ResultRow pareto_row(const std::string& design, uint64_t seed, double accuracy, json energies,
                         const std::string& status = "ok") {
  mx::ResultRow row;
  row.point = design + std::to_string(seed);
  row.values = {{"design", design}};
  row.seed = seed;
  row.status = status;
  row.metrics = std::move(energies);
  row.metrics["accuracy.final_mean"] = accuracy;
  return row;
}
}  // namespace

TEST(SweepPareto, HandMadeTable) {
  // Seed means: a (0.80, total 10, update 5), b (0.90, 20, 1), c (0.85, 30, 9),
  // d (0.95, 40, 2), e (0.70, 10, 6). f failed: never on a front even with the best numbers.
  std::vector<mx::ResultRow> rows;
  auto add = [&](const std::string& d, double acc, double total, double update) {
    rows.push_back(pareto_row(d, 1, acc - 0.01, {{"energy_pj.total", total - 1}, {"energy_pj.update", update - 0.5}}));
    rows.push_back(pareto_row(d, 2, acc + 0.01, {{"energy_pj.total", total + 1}, {"energy_pj.update", update + 0.5}}));
  };
  add("a", 0.80, 10, 5);
  add("b", 0.90, 20, 1);
  add("c", 0.85, 30, 9);
  add("d", 0.95, 40, 2);
  add("e", 0.70, 10, 6);
  rows.push_back(pareto_row("f", 1, 1.0, {{"energy_pj.total", 0}, {"energy_pj.update", 0}}, "failed"));
  const auto fronts = mx::pareto_fronts(rows);
  ASSERT_EQ(fronts.size(), 2u);
  auto designs = [](const mx::ParetoFront& front) {
    std::vector<std::string> names;
    for (const auto& e : front.entries) names.push_back(e.values["design"]);
    return names;
  };
  EXPECT_EQ(fronts[0].cost_column, "energy_pj.total");
  EXPECT_EQ(designs(fronts[0]), (std::vector<std::string>{"a", "b", "d"}));  // e ties a on cost, loses on accuracy
  EXPECT_EQ(fronts[1].cost_column, "energy_pj.update");
  EXPECT_EQ(designs(fronts[1]), (std::vector<std::string>{"b", "d"}));
  EXPECT_EQ(fronts[0].entries[1].seeds, 2u);
  EXPECT_DOUBLE_EQ(fronts[0].entries[1].accuracy, 0.90);
  EXPECT_DOUBLE_EQ(fronts[0].entries[1].cost, 20);
  EXPECT_TRUE(fronts[0].note.empty());
  const std::string csv = mx::pareto_csv({"design"}, fronts);
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "cost_column,design,seeds,accuracy.final_mean,cost,note,accuracy.final_mean_std,cost_std");
  EXPECT_CONTAINS(csv, "\nenergy_pj.update,d,2,0.95,2.0,,");
}

TEST(SweepPareto, FallsBackToWritePulsesWhenEnergyIsAbsentAndSaysSo) {
  std::vector<mx::ResultRow> rows = {pareto_row("a", 1, 0.8, {{"updates.write_pulses", 100}}),
                                     pareto_row("b", 1, 0.9, {{"updates.write_pulses", 50}}),
                                     pareto_row("c", 1, 0.95, {{"updates.write_pulses", 200}})};
  const auto fronts = mx::pareto_fronts(rows);
  ASSERT_EQ(fronts.size(), 1u);
  EXPECT_EQ(fronts[0].cost_column, "updates.write_pulses");
  EXPECT_CONTAINS(fronts[0].note, "energy_pj.total and energy_pj.update absent");
  ASSERT_EQ(fronts[0].entries.size(), 2u);  // a is dominated by b
  EXPECT_EQ(fronts[0].entries[0].values["design"], "b");
  // Only the update energy present: the total-energy front stands in, the update one is real.
  rows[0].metrics["energy_pj.update"] = 1.0;
  const auto mixed = mx::pareto_fronts(rows);
  ASSERT_EQ(mixed.size(), 2u);
  EXPECT_EQ(mixed[0].cost_column, "updates.write_pulses");
  EXPECT_CONTAINS(mixed[0].note, "energy_pj.total absent");
  EXPECT_EQ(mixed[1].cost_column, "energy_pj.update");
  EXPECT_TRUE(mx::pareto_fronts({}).front().entries.empty());
}

// ---- Slurm script ----

TEST(SweepSlurm, ScriptRunsOneShardPerArrayTask) {
  mx::SlurmOptions options;
  options.partition = "debug";
  options.time = "00:10:00";
  options.cpus_per_task = 2;
  const std::string script =
      mx::slurm_script("/opt/mx/metaxbar", "/home/u/s.json", "/scratch/out", "/home/u", "mx-s", 4, options);
  EXPECT_EQ(script.rfind("#!/bin/bash\n", 0), 0u);
  for (const char* line : {"#SBATCH --array=0-3\n", "#SBATCH --output=/scratch/out/slurm/shard-%a-of-4.out\n",
                           "#SBATCH --chdir=/home/u\n", "#SBATCH --partition=debug\n", "#SBATCH --time=00:10:00\n",
                           "#SBATCH --cpus-per-task=2\n", "#SBATCH --job-name=mx-s\n"})
    EXPECT_CONTAINS(script, line);
  EXPECT_CONTAINS(script, "exec '/opt/mx/metaxbar' sweep '/home/u/s.json' --out '/scratch/out' --shard "
                          "\"${SLURM_ARRAY_TASK_ID}/4\" -j \"${SLURM_CPUS_PER_TASK:-1}\"\n");
  EXPECT_THROW(mx::slurm_script("/m", "/s", "/a b", "/w", "j", 1, {}), mx::Error);
  options.partition = "x\n#SBATCH --exclusive";
  EXPECT_THROW(mx::slurm_script("/m", "/s", "/o", "/w", "j", 1, options), mx::Error);
}

TEST(SweepSlurm, ShardCountDefaultsToPointsCappedAndIsChecked) {
  const std::string dir = temp_dir("shard_count");
  const mx::Sweep small = parse(dir, R"("axes": {"adc.bits": [0, 4, 8]})");
  EXPECT_EQ(mx::slurm_shard_count(small, {}), 3u);
  const mx::Sweep big = parse(dir, R"("axes": {"tile.rows": {"range": [1, 100]}})");
  EXPECT_EQ(mx::slurm_shard_count(big, {}), mx::kMaxDefaultShards);
  mx::SlurmOptions options;
  options.shards = 2;
  EXPECT_EQ(mx::slurm_shard_count(small, options), 2u);
  options.shards = 4;
  EXPECT_THROW(mx::slurm_shard_count(small, options), mx::Error);
}

TEST(SweepSlurm, NoSubmitWritesTheScriptWithAbsolutePaths) {
  const std::string dir = temp_dir("no_submit");
  const std::string sweep = write_tiny_sweep(dir);
  const Outcome outcome =
      metaxbar("sweep " + sweep + " --out " + dir + "/out --slurm --no-submit --time 5 --cpus-per-task 1");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  const std::string script = read_text(dir + "/out/sweep.sbatch");
  EXPECT_CONTAINS(script, "#SBATCH --array=0-3\n");
  EXPECT_CONTAINS(script, "#SBATCH --time=5\n");
  EXPECT_CONTAINS(script, "sweep '" + fs::absolute(sweep).lexically_normal().string() + "' --out '" +
                              fs::absolute(dir + "/out").lexically_normal().string() + "' --shard");
  EXPECT_TRUE(fs::is_directory(dir + "/out/slurm"));
  EXPECT_TRUE(fs::exists(dir + "/out/sweep.json"));
  EXPECT_FALSE(fs::exists(dir + "/out/points"));
  EXPECT_CONTAINS(outcome.output, "sweep merge '" + fs::absolute(dir + "/out").lexically_normal().string() + "'");
  EXPECT_CONTAINS(metaxbar("sweep " + sweep + " --out " + dir + "/o2 --slurm --no-submit --shards 9").output,
                  "--shards 9: the sweep has only 4 points");
  // The shards run what the submitting command asked for, or the option is refused.
  EXPECT_EQ(script.find("--allow-mixed"), std::string::npos);
  ASSERT_EQ(metaxbar("sweep " + sweep + " --out " + dir + "/o3 --slurm --no-submit --allow-mixed").exit_code, 0);
  EXPECT_CONTAINS(read_text(dir + "/o3/sweep.sbatch"), "-j \"${SLURM_CPUS_PER_TASK:-1}\" --allow-mixed\n");
  EXPECT_CONTAINS(metaxbar("sweep " + sweep + " --out " + dir + "/o4 --slurm --no-submit --replace").output,
                  "--replace: not with --slurm");
}

// ---- running through the binary ----

TEST(SweepRun, SmallSweepWritesItsTablesInPointOrder) {
  const std::string dir = temp_dir("small");
  const std::string sweep = write_tiny_sweep(dir);
  const Outcome outcome = metaxbar("sweep " + sweep + " --out " + dir + "/out -j 2");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  EXPECT_CONTAINS(outcome.output, "sweep: 4 points: 4 ok, 0 failed; wrote " + dir + "/out/results.csv");
  const mx::Sweep expanded = mx::load_sweep(sweep);
  const auto rows = rows_without_wall_time(dir + "/out/results.jsonl");
  ASSERT_EQ(rows.size(), 4u);
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i]["point"], expanded.points[i].id);
    EXPECT_EQ(rows[i]["index"], i);
    EXPECT_EQ(rows[i]["device.n_mem"], expanded.points[i].values["device.n_mem"]);
    EXPECT_EQ(rows[i]["status"], "ok") << rows[i];
    EXPECT_TRUE(rows[i]["error"].is_null());
    EXPECT_GT(rows[i]["accuracy.final_mean"].get<double>(), 0.0);
    EXPECT_GT(rows[i]["updates.max_writes_per_device"].get<double>(), 0.0);
    const std::string point = dir + "/out/points/" + expanded.points[i].id;
    EXPECT_TRUE(fs::exists(point + "/summary.json"));
    EXPECT_TRUE(fs::exists(point + "/stderr.txt"));
    EXPECT_EQ(json::parse(read_text(point + "/config.json")), expanded.point_config(expanded.points[i]));
  }
  const std::string csv = read_text(dir + "/out/results.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 5);
  EXPECT_EQ(csv.rfind("point,index,device.n_mem,seed,status,error,accuracy.final_mean,", 0), 0u);
  EXPECT_EQ(mx::sweep_from_manifest(json::parse(read_text(dir + "/out/sweep.json")), "m").fingerprint, expanded.fingerprint);
  EXPECT_TRUE(fs::exists(dir + "/out/pareto.csv"));
  // The figure needs a python3 with matplotlib; without one the sweep skips it quietly.
  if (std::system("/usr/bin/python3 -c 'import matplotlib' >/dev/null 2>&1") == 0) {
    EXPECT_TRUE(fs::exists(dir + "/out/pareto.png"));
    EXPECT_TRUE(fs::exists(dir + "/out/pareto.svg"));
  }
}

TEST(SweepRun, AFailingPointIsRecordedAndTheOthersGoOn) {
  const std::string dir = temp_dir("failing");
  const std::string sweep = write_tiny_sweep(dir, R"({"data.dir": [")" + kFashion + R"(", ")" + dir + R"(/no-data"]})", "[1]");
  const Outcome outcome = metaxbar("sweep " + sweep + " --out " + dir + "/out -j 2");
  EXPECT_EQ(outcome.exit_code, 1) << outcome.output;
  const std::string last_line = outcome.output.substr(outcome.output.rfind('\n', outcome.output.size() - 2) + 1);
  EXPECT_CONTAINS(last_line, "sweep: FAILED: 1 of 2 points failed");
  EXPECT_CONTAINS(last_line, "no-data");
  const auto rows = rows_without_wall_time(dir + "/out/results.jsonl");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]["status"], "ok");
  EXPECT_EQ(rows[1]["status"], "failed");
  EXPECT_CONTAINS(rows[1]["error"].get<std::string>(), "no-data");
  EXPECT_TRUE(rows[1]["accuracy.final_mean"].is_null());
}

TEST(SweepRun, KilledSweepResumesWithoutRedoingFinishedPoints) {
  const std::string dir = temp_dir("resume");
  const std::string sweep = write_tiny_sweep(dir, R"({"device.n_mem": [1, 2, 7]})");  // 6 points
  const std::string out = dir + "/out";
  const std::string binary = std::string(MX_BINARY_DIR) + "/metaxbar";
  std::vector<std::string> args = {binary, "sweep", sweep, "--out", out, "-j", "1"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);

  auto finished = [&] {
    std::map<std::string, std::pair<time_t, long>> mtimes;  // point -> summary.json mtime
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(out + "/points", ec)) {
      // A run writes into POINT.tmp.PID and renames it when done: killed between its
      // summary and the rename, that folder is debris, not a finished point.
      if (entry.path().filename().string().find(".tmp.") != std::string::npos) continue;
      struct stat st;
      if (::stat((entry.path() / "summary.json").c_str(), &st) == 0)
        mtimes[entry.path().filename()] = {st.st_mtim.tv_sec, st.st_mtim.tv_nsec};
    }
    return mtimes;
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (finished().empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // its running point dies with it
  const auto at_kill = finished();
  ASSERT_GE(at_kill.size(), 1u) << "no point finished within 60 s";
  EXPECT_LT(at_kill.size(), 6u) << "the sweep finished before it could be killed";
  EXPECT_FALSE(fs::exists(out + "/results.jsonl"));

  const Outcome resumed = metaxbar("sweep " + sweep + " --out " + out + " -j 1");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_CONTAINS(resumed.output, "6 ok, 0 failed (" + std::to_string(at_kill.size()) + " finished in an earlier run)");
  const auto after = finished();
  EXPECT_EQ(after.size(), 6u);
  for (const auto& [point, mtime] : at_kill) EXPECT_EQ(after.at(point), mtime) << point << " was run again";

  const Outcome reference = metaxbar("sweep " + sweep + " --out " + dir + "/reference -j 2");
  ASSERT_EQ(reference.exit_code, 0) << reference.output;
  EXPECT_EQ(rows_without_wall_time(out + "/results.jsonl"), rows_without_wall_time(dir + "/reference/results.jsonl"));
  EXPECT_EQ(read_text(out + "/sweep.json"), read_text(dir + "/reference/sweep.json"));
}

TEST(SweepRun, ResumeRefusesAFolderOfAnotherConfig) {
  const std::string dir = temp_dir("changed");
  const std::string sweep = write_tiny_sweep(dir, R"({"device.n_mem": [1]})", "[1]");
  ASSERT_EQ(metaxbar("sweep " + sweep + " --out " + dir + "/out -j 1").exit_code, 0);
  write(sweep, sweep_text(dir, R"("axes": {"device.n_mem": [1]}, "seeds": [1], "set": {"data.test_samples": 50})"));
  const Outcome outcome = metaxbar("sweep " + sweep + " --out " + dir + "/out -j 1");
  EXPECT_EQ(outcome.exit_code, 1);
  EXPECT_CONTAINS(outcome.output, dir + "/out: holds another sweep (" + sweep);
}

TEST(SweepRun, ResumeRefusesPointsOfAnotherBuildUnlessAllowMixed) {
  const std::string dir = temp_dir("mixed");
  const std::string sweep = write_tiny_sweep(dir, R"({"device.n_mem": [1]})", "[1, 2]");
  const std::string out = dir + "/out";
  ASSERT_EQ(metaxbar("sweep " + sweep + " --out " + out + " -j 2").exit_code, 0);
  const std::string ours = metaxbar("--version").output;  // "metaxbar 0.3.0 (commit ...)\n"
  const std::string our_label = ours.substr(std::string("metaxbar ").size(), ours.find('\n') - 9);
  const mx::Sweep expanded = mx::load_sweep(sweep);
  const std::string other = out + "/points/" + expanded.points[1].id;
  json summary = json::parse(read_text(other + "/summary.json"));
  EXPECT_EQ(summary["build"]["version"].get<std::string>() + " (commit " + summary["build"]["commit"].get<std::string>() + ")",
            our_label);
  summary["build"]["commit"] = "0badc0ffee00";
  write(other + "/summary.json", summary.dump(2));
  const std::string table = read_text(out + "/results.jsonl");

  const Outcome refused = metaxbar("sweep " + sweep + " --out " + out + " -j 1");
  EXPECT_EQ(refused.exit_code, 1);
  const size_t at = refused.output.find("metaxbar: error: ");
  ASSERT_NE(at, std::string::npos) << refused.output;
  const std::string line = refused.output.substr(at, refused.output.find('\n', at) - at);
  EXPECT_CONTAINS(line, other + ": finished by metaxbar " + summary["build"]["version"].get<std::string>() +
                            " (commit 0badc0ffee00), this is metaxbar " + our_label);
  EXPECT_CONTAINS(line, "--allow-mixed");
  EXPECT_EQ(read_text(out + "/results.jsonl"), table) << "a refused sweep rewrote the table";

  const Outcome mixed = metaxbar("sweep " + sweep + " --out " + out + " -j 1 --allow-mixed");
  ASSERT_EQ(mixed.exit_code, 0) << mixed.output;
  EXPECT_CONTAINS(mixed.output, "2 ok, 0 failed (2 finished in an earlier run)");
  EXPECT_CONTAINS(mixed.output, "sweep: points from 2 builds");
  const auto rows = rows_without_wall_time(out + "/results.jsonl");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]["build"], our_label);
  EXPECT_CONTAINS(rows[1]["build"].get<std::string>(), "(commit 0badc0ffee00)");
  EXPECT_CONTAINS(read_text(out + "/results.csv"), "(commit 0badc0ffee00)");
}

// Points whose configs differ only in tech prices share one simulation: the others are
// re-priced from it, say so in the table, and equal a simulation of their own config exactly.
TEST(SweepRun, PointsDifferingOnlyInTechPricesAreRecostedExactly) {
  const std::string dir = temp_dir("recosted");
  const std::string sweep = dir + "/sweep.json";
  write(sweep, sweep_text(dir, R"("set": {"mode": "timed"}, "axes": {"tech": [{},
      {"adc_conversion_8bit": {"energy_pj": 5.0}, "router": {"leakage_uw": 99}, "router_in_tile": {"energy_pj": 0.5}},
      {"adc_conversion_8bit": {"latency_ns": 2}}]})"));
  const Outcome outcome = metaxbar("sweep " + sweep + " --out " + dir + "/out -j 1");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  EXPECT_CONTAINS(outcome.output, "sweep: 1 of these points re-priced from the simulation of a point");
  const mx::Sweep expanded = mx::load_sweep(sweep);
  const auto rows = rows_without_wall_time(dir + "/out/results.jsonl");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_TRUE(rows[0]["recosted_from"].is_null());
  EXPECT_EQ(rows[1]["recosted_from"], expanded.points[0].id);
  EXPECT_TRUE(rows[2]["recosted_from"].is_null()) << "a latency change needs its own simulation";
  const std::string recosted = dir + "/out/points/" + expanded.points[1].id;
  EXPECT_FALSE(fs::exists(recosted + "/stdout.txt")) << "the recosted point was simulated";

  const Outcome direct = metaxbar("run " + recosted + "/config.json --out " + dir + "/direct");
  ASSERT_EQ(direct.exit_code, 0) << direct.output;
  const json a = json::parse(read_text(recosted + "/summary.json")), b = json::parse(read_text(dir + "/direct/summary.json"));
  EXPECT_EQ(a["energy_pj"]["total_aj"], b["energy_pj"]["total_aj"]);
  EXPECT_EQ(a["energy_pj"]["by_component"], b["energy_pj"]["by_component"]);
  EXPECT_EQ(a["energy_pj"]["update"], b["energy_pj"]["update"]);
  EXPECT_EQ(a["energy_pj"]["by_component_phase"], b["energy_pj"]["by_component_phase"]);
  EXPECT_EQ(a["static_energy_pj"], b["static_energy_pj"]);
  EXPECT_EQ(a["area_mm2"], b["area_mm2"]);
  EXPECT_EQ(a["efficiency"]["pj_per_synop"], b["efficiency"]["pj_per_synop"]);
  // Not compared: the split of a component's energy between training and test samples, which
  // a recost apportions by the simulated split (the mesh's three prices moved unequally here).
  EXPECT_EQ(a["config"], b["config"]);
  const json simulated = json::parse(read_text(dir + "/out/points/" + expanded.points[0].id + "/summary.json"));
  EXPECT_NE(a["energy_pj"]["total_aj"], simulated["energy_pj"]["total_aj"]);
}

TEST(SweepRun, MergedShardsEqualTheWholeSweep) {
  const std::string dir = temp_dir("merge");
  const std::string sweep = write_tiny_sweep(dir);
  ASSERT_EQ(metaxbar("sweep " + sweep + " --out " + dir + "/whole -j 2").exit_code, 0);
  // Shard 0 in one directory, shards 1 and 2 of 3 in another.
  const Outcome s0 = metaxbar("sweep " + sweep + " --out " + dir + "/a --shard 0/3 -j 1");
  ASSERT_EQ(s0.exit_code, 0) << s0.output;
  EXPECT_CONTAINS(s0.output, "sweep: 2 points: 2 ok");  // indices 0 and 3
  EXPECT_TRUE(fs::exists(dir + "/a/results-shard-0-of-3.jsonl"));
  EXPECT_FALSE(fs::exists(dir + "/a/pareto.csv"));
  const Outcome partial = metaxbar("sweep merge " + dir + "/a");
  EXPECT_EQ(partial.exit_code, 1);
  const mx::Sweep expanded = mx::load_sweep(sweep);
  EXPECT_CONTAINS(partial.output, "merge: 2 of 4 points have no row in the 1 tables read: " + expanded.points[1].id +
                                      " (index 1), " + expanded.points[2].id + " (index 2)");
  ASSERT_EQ(metaxbar("sweep " + sweep + " --out " + dir + "/b --shard 1/3 -j 1").exit_code, 0);
  ASSERT_EQ(metaxbar("sweep " + sweep + " --out " + dir + "/b --shard 2/3 -j 1").exit_code, 0);
  const Outcome merged = metaxbar("sweep merge " + dir + "/a " + dir + "/b");
  ASSERT_EQ(merged.exit_code, 0) << merged.output;
  EXPECT_CONTAINS(merged.output, "merge: 4 points: 4 ok, 0 failed; wrote " + dir + "/a/results.csv");
  EXPECT_EQ(rows_without_wall_time(dir + "/a/results.jsonl"), rows_without_wall_time(dir + "/whole/results.jsonl"));
  EXPECT_TRUE(fs::exists(dir + "/a/pareto.csv"));

  // Another sweep's directory does not merge.
  const std::string other_dir = temp_dir("merge_other");
  const std::string other = write_tiny_sweep(other_dir, R"({"device.n_mem": [2, 7]})");
  ASSERT_EQ(metaxbar("sweep " + other + " --out " + other_dir + "/o --shard 0/4 -j 1").exit_code, 0);
  EXPECT_CONTAINS(metaxbar("sweep merge " + dir + "/a " + other_dir + "/o").output, "holds a different sweep than");
  EXPECT_CONTAINS(metaxbar("sweep merge " + dir + "/nowhere").output, "no sweep.json");
}

// ---- a real Slurm cluster on this machine ----

TEST(SweepSlurm, RealSingleNodeClusterMatchesALocalRun) {
  const char* ci = std::getenv("CI");
  const char* wanted = std::getenv("MX_SLURM_TEST");
  if (::geteuid() != 0) GTEST_SKIP() << "needs root: it installs slurm-wlm and munge and starts their daemons";
  if (!(ci && *ci) && !(wanted && std::string(wanted) == "1"))
    GTEST_SKIP() << "set MX_SLURM_TEST=1 (CI sets CI) to install Slurm and run a sweep as an array job";
  const std::string dir = temp_dir("slurm");
  // The script bounds itself (package install, daemons, job); `timeout` is the last resort.
  const Outcome outcome = mx::testing_support::run_shell("timeout -k 10 600 bash " + std::string(MX_SOURCE_DIR) +
                                                          "/tools/slurm_test.sh " + std::string(MX_BINARY_DIR) +
                                                          "/metaxbar " + dir);
  EXPECT_EQ(outcome.exit_code, 0) << outcome.output;
  EXPECT_CONTAINS(outcome.output, "slurm_test: PASS");
}

// ---- presets ----

TEST(SweepPresets, EveryPresetLoadsAndStatesItsSize) {
  // Preset bases are relative to the repository root, where they are meant to be run.
  const fs::path saved = fs::current_path();
  fs::current_path(MX_SOURCE_DIR);
  size_t presets = 0;
  for (const auto& entry : fs::directory_iterator("configs/sweeps")) {
    if (entry.path().extension() != ".json") continue;
    ++presets;
    try {
      const mx::Sweep sweep = mx::load_sweep(entry.path().string());
      EXPECT_CONTAINS(sweep.description, std::to_string(sweep.points.size()) + " points");
      mx::check_sweep_points(sweep);  // and every point passes what its run would check first
    } catch (const mx::Error& e) {
      ADD_FAILURE() << e.what();
    }
  }
  fs::current_path(saved);
  EXPECT_GE(presets, 6u);
}
