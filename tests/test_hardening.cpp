// Hostile inputs (issue 14): every one is a one-line error naming the file, JSON path or
// option with a non-zero exit, or is accepted and documented; none crashes, and an earlier
// result in the output folder survives every failure.
#include <gtest/gtest.h>
#include <sys/file.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "config/config.h"
#include "device/device_fit.h"
#include "device/level_table.h"
#include "device/transition_table.h"
#include "hw/energy_ledger.h"
#include "hw/hw_rng.h"
#include "support/cli_harness.h"
#include "support/error_of.h"

namespace {

using mx::testing_support::error_of;

namespace fs = std::filesystem;
using mx::testing_support::Outcome;
using mx::testing_support::read_text;

#define EXPECT_CONTAINS(text, needle) EXPECT_NE(std::string(text).find(needle), std::string::npos) << (text)

const std::string kFashion = "/usr/share/datasets/fashion-mnist";

std::string temp_dir(const std::string& name) { return mx::testing_support::fresh_temp_dir("hardening", name); }
void write(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }
Outcome metaxbar(const std::string& args) { return mx::testing_support::run_metaxbar(args); }

std::string tiny_config(const std::string& dir) {
  const std::string path = dir + "/tiny.json";
  write(path, R"({"data": {"dir": ")" + kFashion +
                  R"(", "train_samples": 100, "test_samples": 50}, "task": {"pairs": [[0, 1]]}})");
  return path;
}

// One line on stderr starting "metaxbar: error: ", exit 1.
void expect_one_line_error(const Outcome& outcome, const std::string& needle) {
  EXPECT_EQ(outcome.exit_code, 1) << outcome.output;
  EXPECT_EQ(outcome.output.rfind("metaxbar: error: ", 0), 0u) << outcome.output;
  EXPECT_EQ(std::count(outcome.output.begin(), outcome.output.end(), '\n'), 1) << outcome.output;
  EXPECT_CONTAINS(outcome.output, needle);
  EXPECT_LT(outcome.output.size(), 600u) << "an error line echoes too much";
}

}  // namespace

TEST(HardeningInput, DeepJsonIsRefusedBeforeAnythingRecurses) {
  const std::string dir = temp_dir("deep");
  write(dir + "/deep.json", std::string(59000, '[') + std::string(59000, ']'));
  expect_one_line_error(metaxbar("run " + dir + "/deep.json"), "deep.json: line 1: JSON nested deeper than 64 levels");
  write(dir + "/value.json", R"({"device": {"levels": )" + std::string(59000, '[') + "]}}");
  expect_one_line_error(metaxbar("run " + dir + "/value.json"), "nested deeper than 64");
}

TEST(HardeningInput, ConfigFilesAreSizeCapped) {
  expect_one_line_error(metaxbar("run /dev/zero"), "/dev/zero: config file larger than 16777216 bytes");
}

TEST(HardeningInput, SetValuesThatLookLikeJsonMustParse) {
  const std::string config = tiny_config(temp_dir("set"));
  expect_one_line_error(metaxbar("run " + config + " --set 'task.pairs=[[0,1]'"), "--set task.pairs: not valid JSON");
  expect_one_line_error(metaxbar("run " + config + " --set seed=1e400"), "--set seed: not valid JSON: number overflow");
  expect_one_line_error(metaxbar("run " + config + " --set \"$(printf 'rule.kind=\\377')\""), "--set rule.kind: not valid UTF-8");
  // A bare word is still a string, checked as one.
  expect_one_line_error(metaxbar("run " + config + " --set rule.kind=fast"), "expected one of prob_meta | grad_acc | none");
}

TEST(HardeningInput, IntegersAreCheckedBeforeNarrowing) {
  const std::string config = tiny_config(temp_dir("narrow"));
  expect_one_line_error(metaxbar("run " + config + " --set seed=9007199254740993"),
                        "'seed': expected an integer in [0, 9007199254740992], got 9007199254740993");
  expect_one_line_error(metaxbar("run " + config + " --seed 18446744073709551615"), "'seed'");
  expect_one_line_error(metaxbar("run " + config + " --set 'task.pairs=[[4294967296,1]]'"),
                        "'task.pairs[0]': expected [class, class] with classes in [0, 255]");
  expect_one_line_error(metaxbar("sweep " + config + " -j -1"), "-j -1: expected a number of workers in [1, 1024]");
}

TEST(HardeningInput, EpochCountsAreOnePerTask) {
  const std::string config = tiny_config(temp_dir("epochs"));  // one task
  expect_one_line_error(metaxbar("run " + config + " --set 'task.epochs=[2,3]'"),
                        "'task.epochs': expected an epoch count in [1, 1000] or an array of 1 of them (one per task), "
                        "got [2,3]");
  expect_one_line_error(metaxbar("run " + config + " --set task.epochs=0"), "'task.epochs': expected an epoch count");
  expect_one_line_error(metaxbar("run " + config + " --set 'task.epochs=[1.5]'"),
                        "'task.epochs[0]': expected an epoch count in [1, 1000], got 1.5");
}

TEST(HardeningInput, LongValuesAreCutInMessages) {
  const std::string config = tiny_config(temp_dir("long"));
  const Outcome outcome = metaxbar("run " + config + " --set 'network.hidden=\"" + std::string(60000, 'x') + "\"'");
  expect_one_line_error(outcome, "(60002 characters)");
}

TEST(HardeningInput, KeysTheNetworkKindNeverReadsAreRefusedUnlessAllowed) {
  const std::string dir = temp_dir("unused");
  const std::string config = tiny_config(dir);
  expect_one_line_error(metaxbar("run " + config + " --set qnn.lr=0.1 --out " + dir + "/a"),
                        "network.kind snn never reads qnn.lr (--allow-unused to run anyway)");
  EXPECT_FALSE(fs::exists(dir + "/a"));
  expect_one_line_error(metaxbar("run " + config + " --set network.kind=qnn --set rule.kind=none --out " + dir + "/b"),
                        "network.kind qnn never reads rule.kind");
  const Outcome allowed = metaxbar("run " + config + " --set qnn.lr=0.1 --allow-unused --out " + dir + "/c");
  EXPECT_EQ(allowed.exit_code, 0) << allowed.output;
  EXPECT_CONTAINS(allowed.output, "metaxbar: warning: " + config + ": network.kind snn never reads qnn.lr (--allow-unused)");
}

TEST(HardeningOutput, RootEmptyAndFileOutputsAreRefusedBeforeTheRun) {
  const std::string dir = temp_dir("outs");
  const std::string config = tiny_config(dir);
  expect_one_line_error(metaxbar("run " + config + " --out ''"), "--out '': expected a folder name");
  expect_one_line_error(metaxbar("run " + config + " --out /"), "--out '/': refusing to write a run into the root folder");
  expect_one_line_error(metaxbar("run " + config + " --out " + config), "exists and is not a folder");
}

TEST(HardeningOutput, DefaultFolderNamesCarryAHashOfTheOverrides) {
  const std::string dir = temp_dir("names");
  const std::string config = tiny_config(dir);
  const std::string cd = "cd " + dir + " && " + std::string(MX_BINARY_DIR) + "/metaxbar run tiny.json";
  ASSERT_EQ(mx::testing_support::run_shell(cd + " --set device.n_mem=1").exit_code, 0);
  ASSERT_EQ(mx::testing_support::run_shell(cd + " --set device.n_mem=2").exit_code, 0);
  std::vector<std::string> folders;
  for (const auto& entry : fs::directory_iterator(dir + "/traces")) folders.push_back(entry.path().filename().string());
  std::sort(folders.begin(), folders.end());
  ASSERT_EQ(folders.size(), 2u);
  for (const auto& name : folders) {
    EXPECT_EQ(name.rfind("tiny-seed1-", 0), 0u) << name;
    EXPECT_EQ(name.size(), std::string("tiny-seed1-").size() + 8) << name;
  }
}

// A timed run leaves summary, timeline and energy.csv; a later functional run into the same
// folder replaces the set whole, so no timed trace sits beside the functional summary.
TEST(HardeningOutput, ARunReplacesTheWholeOutputSet) {
  const std::string dir = temp_dir("set");
  const std::string config = tiny_config(dir), out = dir + "/out";
  ASSERT_EQ(metaxbar("run " + config + " --mode timed --out " + out).exit_code, 0);
  ASSERT_TRUE(fs::exists(out + "/timeline.json"));
  write(out + "/notes.txt", "mine");
  ASSERT_EQ(metaxbar("run " + config + " --out " + out).exit_code, 0);
  EXPECT_TRUE(fs::exists(out + "/summary.json"));
  EXPECT_FALSE(fs::exists(out + "/timeline.json"));
  EXPECT_FALSE(fs::exists(out + "/energy.csv"));
  EXPECT_EQ(read_text(out + "/notes.txt"), "mine") << "files that are not run outputs are carried over";
  for (const auto& entry : fs::directory_iterator(dir))
    EXPECT_EQ(entry.path().filename().string().find(".tmp."), std::string::npos) << entry.path();
}

// Every write of a timed run fails in turn (MX_FAIL_WRITE_AT=1, 2, ...): each failing run
// exits 1 and leaves the earlier functional set exactly as it was; the first run that
// fails no write replaces it whole.
TEST(HardeningOutput, AFailureAtAnyWriteLeavesTheOldSet) {
  const std::string dir = temp_dir("failwrite");
  const std::string config = tiny_config(dir), out = dir + "/out";
  ASSERT_EQ(metaxbar("run " + config + " --out " + out).exit_code, 0);
  const std::string old_summary = read_text(out + "/summary.json");
  int failed_runs = 0;
  for (int n = 1; n < 10; ++n) {
    const Outcome outcome =
        mx::testing_support::run_shell("MX_FAIL_WRITE_AT=" + std::to_string(n) + " " + std::string(MX_BINARY_DIR) +
                                       "/metaxbar run " + config + " --mode timed --out " + out);
    if (outcome.exit_code == 0) break;
    ++failed_runs;
    EXPECT_CONTAINS(outcome.output, "MX_FAIL_WRITE_AT");
    EXPECT_EQ(read_text(out + "/summary.json"), old_summary) << "write " << n;
    EXPECT_FALSE(fs::exists(out + "/timeline.json")) << "write " << n;
    EXPECT_FALSE(fs::exists(out + "/energy.csv")) << "write " << n;
  }
  EXPECT_EQ(failed_runs, 3) << "a timed run writes timeline.json, energy.csv and summary.json";
  EXPECT_TRUE(fs::exists(out + "/timeline.json"));
  EXPECT_NE(read_text(out + "/summary.json"), old_summary);
}

// ---- sweeps ----

namespace {

std::string tiny_sweep(const std::string& dir, const std::string& name, const std::string& set) {
  const std::string path = dir + "/" + name;
  write(path, R"({"base": ")" + tiny_config(dir) + R"(", "axes": {"device.n_mem": [1]}, "seeds": [1], "set": )" + set + "}");
  return path;
}

}  // namespace

TEST(HardeningSweep, ASecondSweepOnALockedFolderIsRefusedNamingTheHolder) {
  const std::string dir = temp_dir("lock");
  const std::string sweep = tiny_sweep(dir, "s.json", "{}"), out = dir + "/out";
  fs::create_directories(out);
  // What a running sweep holds: an flock on DIR/.lock with its PID inside.
  const int fd = ::open((out + "/.lock").c_str(), O_RDWR | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  const std::string pid = std::to_string(::getpid()) + "\n";
  ASSERT_EQ(::write(fd, pid.data(), pid.size()), static_cast<ssize_t>(pid.size()));
  expect_one_line_error(metaxbar("sweep " + sweep + " --out " + out + " -j 1"),
                        "another sweep is running on this folder (pid " + std::to_string(::getpid()));
  EXPECT_FALSE(fs::exists(out + "/sweep.json"));
  ::close(fd);  // released, as a killed sweep's lock is
  const Outcome second = metaxbar("sweep " + sweep + " --out " + out + " -j 1");
  EXPECT_EQ(second.exit_code, 0) << second.output;
}

TEST(HardeningSweep, AnotherSweepIntoAFinishedFolderNeedsReplace) {
  const std::string dir = temp_dir("replace");
  const std::string first = tiny_sweep(dir, "a.json", "{}");
  const std::string other = tiny_sweep(dir, "b.json", R"({"data.test_samples": 40})");
  const std::string out = dir + "/out";
  ASSERT_EQ(metaxbar("sweep " + first + " --out " + out + " -j 1").exit_code, 0);
  const std::string table = read_text(out + "/results.jsonl");
  const Outcome refused = metaxbar("sweep " + other + " --out " + out + " -j 1");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_CONTAINS(refused.output, out + ": holds another sweep (" + first);
  EXPECT_CONTAINS(refused.output, "--replace");
  EXPECT_EQ(read_text(out + "/results.jsonl"), table);
  const Outcome replaced = metaxbar("sweep " + other + " --out " + out + " -j 1 --replace");
  ASSERT_EQ(replaced.exit_code, 0) << replaced.output;
  EXPECT_NE(read_text(out + "/results.jsonl"), table);
  size_t points = 0;
  for (const auto& entry : fs::directory_iterator(out + "/points")) points += entry.is_directory();
  EXPECT_EQ(points, 1u) << "the replaced sweep's points are gone";
}

// ---- readers and arithmetic ----

TEST(HardeningLevels, TablesAreCheckedInTheFloatTheyAreStoredIn) {
  const nlohmann::json huge = nlohmann::json::parse(R"([{"r_ohm": 1e39}, {"r_ohm": 1e4}])");
  EXPECT_NE(error_of([&] { mx::LevelTable::from_config(huge, "device.levels"); }).find("outside the range of the float"),
            std::string::npos);
  const nlohmann::json close = nlohmann::json::parse(R"([{"r_ohm": 10000}, {"r_ohm": 10000.0000001}])");
  EXPECT_NE(error_of([&] { mx::LevelTable::from_config(close, "device.levels"); }).find("one resistance in the float"),
            std::string::npos);
  nlohmann::json many = nlohmann::json::array();
  for (int i = 0; i < 1025; ++i) many.push_back({{"r_ohm", 1000.0 + i}});
  EXPECT_NE(error_of([&] { mx::LevelTable::from_config(many, "device.levels"); }).find("at most 1024 levels"),
            std::string::npos);
  // A generator object fills what it leaves out from the schema's default table.
  EXPECT_EQ(mx::LevelTable::from_config(nlohmann::json::parse(R"({"sigma_frac": 0.1})"), "device.levels").size(), 16u);
  EXPECT_NE(error_of([] { mx::LevelTable::from_file("/dev/zero"); }).find("level table larger than"), std::string::npos);
}

// The other device files share the level table's reader: capped, numbered, one cell per column.
TEST(HardeningLevels, TransitionAndRawFilesAreCappedAndTheirIndicesBounded) {
  EXPECT_NE(error_of([] { mx::TransitionTable::from_file("/dev/zero"); }).find("/dev/zero: the transition table larger than"),
            std::string::npos);
  EXPECT_NE(error_of([] { mx::read_raw_cycling("/dev/zero"); }).find("/dev/zero: the RAW cycling file larger than"),
            std::string::npos);
  const std::string dir = ::testing::TempDir();
  const auto file = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir + name) << text;
    return dir + name;
  };
  // A level index of 10^9 would have sized a (10^9)^2 table.
  const std::string huge = file("huge_level.csv", "level_before,pulse,level_after,count\n1000000000,set,3,10\n");
  EXPECT_NE(error_of([&] { mx::TransitionTable::from_file(huge); }).find(huge + ":2: expected integers level_before and level_after in 0..1023"),
            std::string::npos);
  const std::string extra = file("extra.csv", "level_before,pulse,level_after,count\n1,set,2,10,99\n");
  EXPECT_NE(error_of([&] { mx::TransitionTable::from_file(extra); }).find(extra + ":2: expected 4 fields"), std::string::npos);
  const std::string commented = file("commented.csv", "# measured 2026\nlevel_before,pulse,level_after,count\n\n1,set,2,10\n");
  EXPECT_EQ(mx::TransitionTable::from_file(commented).count(1, +1, 2), 10u);
}

TEST(HardeningLevels, BisectionFindsTheLevelALinearScanFinds) {
  const mx::LevelTable table = mx::LevelTable::generate(1024, 1, 1000, 0.01, false);
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> r(500, 2e6);
  for (int i = 0; i < 20000; ++i) {
    const double x = i % 100 == 0 ? table[static_cast<size_t>(i / 100)].r_ohm : r(random);
    unsigned linear = 0;
    while (linear + 1 < table.size() && x < 0.5 * (table[linear].r_ohm + table[linear + 1].r_ohm)) ++linear;
    ASSERT_EQ(table.nearest_level(x), linear) << x;
  }
}

TEST(HardeningLedger, TheLargestChargesErrNamingTheComponentInsteadOfWrapping) {
  mx::EnergyLedger ledger;
  const mx::ComponentId adc = ledger.add_component("adc_conversion");
  ledger.charge_pj(adc, mx::Phase::inference, 9.2e12);  // the largest single charge
  EXPECT_EQ(ledger.total_aj(), static_cast<int64_t>(9.2e18));
  const std::string sum = error_of([&] { ledger.charge_pj(adc, mx::Phase::learning, 1e12); });
  EXPECT_NE(sum.find("'adc_conversion' overflows"), std::string::npos) << sum;
  EXPECT_EQ(ledger.total_aj(), static_cast<int64_t>(9.2e18)) << "a refused charge changes nothing";
  EXPECT_NE(error_of([&] { ledger.charge_pj(adc, mx::Phase::learning, 1e13); }).find("outside the ledger's range"),
            std::string::npos);
  EXPECT_NE(error_of([&] { ledger.charge_pj(adc, mx::Phase::learning, 1e6, uint64_t{1} << 40); }).find("one charge"),
            std::string::npos);
}

TEST(HardeningRng, LfsrCombinationsFarFromUniformAreNamed) {
  using mx::HwRngSpec;
  using mx::RngKind;
  EXPECT_EQ(mx::lfsr_quality_warning(HwRngSpec{RngKind::lfsr, 16, 8, 0}), "");
  EXPECT_EQ(mx::lfsr_quality_warning(HwRngSpec{RngKind::xorshift32, 8, 12, 0}), "");
  EXPECT_NE(mx::lfsr_quality_warning(HwRngSpec{RngKind::lfsr, 8, 16, 0}).find("wider than the register"), std::string::npos);
  const std::string shared = mx::lfsr_quality_warning(HwRngSpec{RngKind::lfsr, 16, 12, 0});
  EXPECT_NE(shared.find("gcd(12, 2^16 - 1) = 3"), std::string::npos) << shared;
  // The figure is what the register does: 12-bit draws of a 16-bit LFSR repeat after 21845.
  mx::HwRng rng(HwRngSpec{RngKind::lfsr, 16, 12, 0}, 5);
  const uint32_t start = rng.state();
  uint64_t draws = 0;
  do {
    rng.draw();
    ++draws;
  } while (rng.state() != start && draws < 70000);
  EXPECT_EQ(draws, 21845u);
}
