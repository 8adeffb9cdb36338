// Whole-chip runs in timed mode: changing the chip moves energy and latency the way a
// hardware engineer expects, and the written traces add up to the summary.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace {

nlohmann::json timed_run(const std::string& name, const std::string& sets) {
  const std::string dir = testing::TempDir() + "/mx_dir_" + name;
  const std::string command = std::string(MX_BINARY_DIR) +
                              "/metaxbar run " MX_SOURCE_DIR "/configs/default.json --mode timed --out " + dir +
                              " --set data.train_samples=300 --set data.test_samples=100 "
                              "--set 'task.pairs=[[0,1]]' " + sets + " > " + dir + ".log 2>&1";
  std::system(("mkdir -p " + dir).c_str());
  const int status = std::system(command.c_str());
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << command;
  std::ifstream in(dir + "/summary.json");
  return nlohmann::json::parse(in);
}

double energy(const nlohmann::json& s, const char* component) { return s["energy_pj"]["by_component"][component]; }
double train_cycles(const nlohmann::json& s) { return s["latency"]["cycles_per_sample"]["train"]; }

}  // namespace

TEST(ChipDirections, SmallerTilesConvertAndMoveMore) {
  const auto big = timed_run("tiles256", "");
  const auto small = timed_run("tiles64", "--set tile.rows=64 --set tile.cols=64");
  EXPECT_GT(energy(small, "adc"), energy(big, "adc"));
  EXPECT_GT(energy(small, "noc"), energy(big, "noc"));
  EXPECT_GT(small["chip"]["tiles"].get<int>(), big["chip"]["tiles"].get<int>());
  EXPECT_EQ(small["accuracy"]["matrix"].size(), 1u);
}

TEST(ChipDirections, FewerAdcsPerTileTakeMoreCycles) {
  const auto many_adcs = timed_run("cpa4", "--set adc.columns_per_adc=4");
  const auto few_adcs = timed_run("cpa64", "--set adc.columns_per_adc=64");
  EXPECT_GT(train_cycles(few_adcs), train_cycles(many_adcs));
  // The same conversions, so the same ADC energy, and the same arithmetic.
  EXPECT_EQ(energy(few_adcs, "adc"), energy(many_adcs, "adc"));
  EXPECT_EQ(few_adcs["accuracy"]["final_mean"], many_adcs["accuracy"]["final_mean"]);
}

TEST(ChipDirections, ALongThinMeshCostsMoreHops) {
  const auto square = timed_run("mesh_square", "--set mesh.width=3 --set mesh.height=2");
  const auto line = timed_run("mesh_line", "--set mesh.width=1 --set mesh.height=8");
  EXPECT_GT(energy(line, "noc"), energy(square, "noc"));
  EXPECT_GT(train_cycles(line), train_cycles(square));
}

TEST(ChipDirections, TrngCostsMoreUpdateEnergyThanLfsr) {
  const auto lfsr = timed_run("lfsr", "--set rng.kind=lfsr --set rng.bits=16");
  const auto trng = timed_run("trng", "--set rng.kind=trng --set rng.bits=16");
  const double lfsr_per_draw = energy(lfsr, "rng") / lfsr["updates"]["rng_draws"].get<double>();
  const double trng_per_draw = energy(trng, "rng") / trng["updates"]["rng_draws"].get<double>();
  EXPECT_GT(trng_per_draw, 10 * lfsr_per_draw);
}

TEST(ChipDirections, MoreAdcBitsCostMoreEnergy) {
  const auto four = timed_run("adc4", "--set adc.bits=4");
  const auto eight = timed_run("adc8", "--set adc.bits=8");
  EXPECT_GT(energy(eight, "adc"), energy(four, "adc"));
}

TEST(ChipDirections, EnergyCsvAddsUpToTheSummary) {
  const auto summary = timed_run("csv", "");
  const std::string dir = testing::TempDir() + "/mx_dir_csv";
  std::ifstream csv(dir + "/energy.csv");
  std::string line;
  std::getline(csv, line);
  std::vector<std::string> header;
  {
    std::stringstream cells(line);
    std::string cell;
    while (std::getline(cells, cell, ',')) header.push_back(cell);
  }
  const size_t total_column = std::find(header.begin(), header.end(), "total_pj") - header.begin();
  ASSERT_LT(total_column, header.size());
  // The CSV's picojoules are exact decimals of integer attojoules: sum them as integers.
  int64_t total_aj = 0, rows = 0;
  while (std::getline(csv, line)) {
    std::stringstream cells(line);
    std::string cell;
    for (size_t i = 0; i <= total_column; ++i) std::getline(cells, cell, ',');
    cell.erase(std::remove(cell.begin(), cell.end(), '.'), cell.end());
    total_aj += std::stoll(cell);
    ++rows;
  }
  EXPECT_EQ(rows, summary["samples"]["train"].get<int64_t>() + summary["samples"]["test"].get<int64_t>());
  EXPECT_EQ(total_aj, summary["energy_pj"]["total_aj"].get<int64_t>());
  std::ifstream timeline(dir + "/timeline.json");
  const auto trace = nlohmann::json::parse(timeline);
  EXPECT_GT(trace["traceEvents"].size(), 100u);
}

TEST(ChipDirections, WaveformsWhenAsked) {
  const auto summary = timed_run("vcd", "--set trace.vcd=true --set data.train_samples=40 --set data.test_samples=20");
  std::ifstream vcd(testing::TempDir() + "/mx_dir_vcd/signals.vcd");
  ASSERT_TRUE(vcd.good());
  std::stringstream text;
  text << vcd.rdbuf();
  for (const char* signal : {"hidden_spikes", "output_spikes", "pulses", "$enddefinitions"})
    EXPECT_NE(text.str().find(signal), std::string::npos) << signal;
  EXPECT_FALSE(std::ifstream(testing::TempDir() + "/mx_dir_vcd/signals.partial.vcd").good());
  // The VCD's unit is the kernel's 1 ps resolution: SystemC has nothing to warn about (W713:
  // a kernel time not representable in VCD units).
  std::ifstream log(testing::TempDir() + "/mx_dir_vcd.log");
  std::stringstream printed;
  printed << log.rdbuf();
  EXPECT_EQ(printed.str().find("Warning"), std::string::npos) << printed.str();
  EXPECT_EQ(printed.str().find("W713"), std::string::npos);
  EXPECT_NE(text.str().find("$timescale 1 ps $end"), std::string::npos) << text.str().substr(0, 400);
}
