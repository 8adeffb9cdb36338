// The command line as a user meets it: bad input gets a one-line error naming the problem
// and a non-zero exit; a good run writes summary.json with the promised fields, and the same
// seed gives the same numbers bit for bit.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <zlib.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "support/cli_harness.h"

namespace {

using mx::testing_support::Outcome;

Outcome metaxbar(const std::string& args) { return mx::testing_support::run_metaxbar(args); }
std::string temp_dir(const std::string& name) { return mx::testing_support::fresh_temp_dir("cli", name); }

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

std::string fashion_dir() { return "/usr/share/datasets/fashion-mnist"; }

// A small but real run: 2 tasks of split-Fashion-MNIST with a few hundred samples.
std::string small_run_config(const std::string& dir, const std::string& extra = "") {
  const std::string path = dir + "/small.json";
  write(path, R"({"data": {"dir": ")" + fashion_dir() +
                  R"(", "train_samples": 1200, "test_samples": 400}, "task": {"pairs": [[0, 1], [2, 3]]})" + extra +
                  "}");
  return path;
}

void expect_one_line_error(const Outcome& outcome, const std::string& needle) {
  EXPECT_NE(outcome.exit_code, 0) << outcome.output;
  EXPECT_NE(outcome.output.find(needle), std::string::npos) << outcome.output;
  EXPECT_NE(outcome.output.find("metaxbar: error:"), std::string::npos) << outcome.output;
}

}  // namespace

TEST(Cli, UnknownKeyIsAnError) {
  const std::string dir = temp_dir("unknown");
  write(dir + "/c.json", R"({"tile": {"rowz": 64}})");
  expect_one_line_error(metaxbar("run " + dir + "/c.json --out " + dir), "did you mean 'tile.rows'");
}

TEST(Cli, WrongTypeIsAnError) {
  const std::string dir = temp_dir("type");
  write(dir + "/c.json", R"({"device": {"n_mem": "seven"}})");
  expect_one_line_error(metaxbar("run " + dir + "/c.json --out " + dir), "'device.n_mem': expected an integer");
}

TEST(Cli, NegativeSizeIsAnError) {
  const std::string dir = temp_dir("negative");
  write(dir + "/c.json", R"({"data": {"test_samples": -1}})");
  expect_one_line_error(metaxbar("run " + dir + "/c.json --out " + dir), "'data.test_samples'");
}

TEST(Cli, NonMonotonicLevelTableIsAnError) {
  const std::string dir = temp_dir("levels");
  write(dir + "/levels.csv", "r_ohm,r_std_ohm\n100000,1000\n20000,1000\n50000,1000\n");
  write(dir + "/c.json", R"({"device": {"levels": ")" + dir + R"(/levels.csv"}, "data": {"dir": ")" + fashion_dir() +
                             R"(", "train_samples": 10, "test_samples": 10}, "task": {"pairs": [[0, 1]]}})");
  expect_one_line_error(metaxbar("run " + dir + "/c.json --out " + dir), "not monotonic");
}

TEST(Cli, MissingDataFolderIsAnError) {
  const std::string dir = temp_dir("missing");
  write(dir + "/c.json", R"({"data": {"dir": ")" + dir + R"(/nowhere"}})");
  expect_one_line_error(metaxbar("run " + dir + "/c.json --out " + dir), "nowhere");
}

TEST(Cli, TruncatedIdxFileIsAnErrorAndLeavesEarlierResultsIntact) {
  const std::string dir = temp_dir("truncated");
  const std::string data = dir + "/data";
  std::system(("mkdir -p " + data + " && cp " + fashion_dir() + "/*.gz " + data).c_str());
  // Cut the test labels short: 100 bytes of payload instead of 10 000.
  gzFile labels = gzopen((data + "/t10k-labels-idx1-ubyte.gz").c_str(), "wb");
  const unsigned char header[8] = {0, 0, 8, 1, 0, 0, 0x27, 0x10};
  gzwrite(labels, header, sizeof header);
  std::string payload(100, '\1');
  gzwrite(labels, payload.data(), static_cast<unsigned>(payload.size()));
  gzclose(labels);
  write(dir + "/summary.json", "{\"earlier\": true}\n");
  write(dir + "/c.json", R"({"data": {"dir": ")" + data + R"("}})");
  expect_one_line_error(metaxbar("run " + dir + "/c.json --out " + dir), "t10k-labels-idx1-ubyte.gz: truncated");
  EXPECT_EQ(mx::testing_support::read_text(dir + "/summary.json"), "{\"earlier\": true}\n");
}

TEST(Cli, CorruptGzipIsAnError) {
  const std::string dir = temp_dir("corrupt");
  const std::string data = dir + "/data";
  std::system(("mkdir -p " + data + " && cp " + fashion_dir() + "/*.gz " + data).c_str());
  // Flip bytes in the middle of the compressed training labels.
  std::fstream file(data + "/train-labels-idx1-ubyte.gz", std::ios::in | std::ios::out | std::ios::binary);
  file.seekp(200);
  file.write("\xff\x00\xff\x00\xff\x00\xff\x00", 8);
  file.close();
  write(dir + "/c.json", R"({"data": {"dir": ")" + data + R"("}})");
  expect_one_line_error(metaxbar("run " + dir + "/c.json --out " + dir), "train-labels-idx1-ubyte.gz");
}

TEST(Cli, SmallRunWritesSummaryAndIsDeterministic) {
  const std::string dir = temp_dir("small");
  const std::string config = small_run_config(dir);
  const Outcome first = metaxbar("run " + config + " --seed 5 --out " + dir + "/a");
  ASSERT_EQ(first.exit_code, 0) << first.output;
  const Outcome second = metaxbar("run " + config + " --seed 5 --out " + dir + "/b");
  ASSERT_EQ(second.exit_code, 0) << second.output;
  auto load = [](const std::string& path) {
    std::ifstream in(path);
    return nlohmann::json::parse(in);
  };
  nlohmann::json a = load(dir + "/a/summary.json"), b = load(dir + "/b/summary.json");
  EXPECT_EQ(a["seed"], 5);
  EXPECT_EQ(a["mode"], "functional");
  EXPECT_EQ(a["config"]["seed"], 5);
  for (const char* key : {"matrix", "final_mean", "final_per_task", "bwt"}) EXPECT_TRUE(a["accuracy"].contains(key)) << key;
  for (const char* key : {"write_pulses", "max_writes_per_device"}) EXPECT_TRUE(a["updates"].contains(key)) << key;
  EXPECT_TRUE(a.contains("wall_s"));
  // The build that computed it: the same words `metaxbar --version` prints.
  EXPECT_NE(metaxbar("--version").output.find("(commit " + a["build"]["commit"].get<std::string>() + ")"),
            std::string::npos);
  const double accuracy = a["accuracy"]["final_mean"];
  EXPECT_GT(accuracy, 0.6);  // two easy pairs, well above chance even on 1 200 samples
  EXPECT_LE(accuracy, 1.0);
  EXPECT_EQ(a["accuracy"]["matrix"][0][1], nullptr);  // task 2 not yet trained after task 1
  // Bit for bit: everything but the wall-clock figures.
  for (auto* s : {&a, &b}) s->erase("wall_s"), s->erase("train_samples_per_s");
  EXPECT_EQ(a.dump(), b.dump());
}

TEST(Cli, DefaultsListEveryKey) {
  const Outcome outcome = metaxbar("config --defaults");
  ASSERT_EQ(outcome.exit_code, 0);
  const auto listing = nlohmann::json::parse(outcome.output);
  bool found = false;
  for (const auto& entry : listing) found |= entry["key"] == "rule.kind";
  EXPECT_TRUE(found);
}

// The commit is the checkout's HEAD (read at build time, not at configure time), or
// "unknown" when the sources are not a git checkout.
TEST(Cli, VersionNamesTheVersionAndTheCommit) {
  const Outcome outcome = metaxbar("--version");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  EXPECT_EQ(outcome.output.rfind("metaxbar ", 0), 0u) << outcome.output;
  const Outcome head =
      mx::testing_support::run_shell(std::string("git -C ") + MX_SOURCE_DIR + " rev-parse --short=12 HEAD", false);
  const std::string expected = head.exit_code == 0 && head.output.size() > 12 ? head.output.substr(0, 12) : "unknown";
  EXPECT_NE(outcome.output.find("(commit " + expected), std::string::npos) << outcome.output << " vs " << expected;
}
