// The chip description (chip.*, sram.banks, tile.write_drivers, rng.draws_per_cycle): a
// partition that does not change physics moves time and energy only, never a learned number;
// contention shows up where the hardware would queue; the kernel's time is the chip's.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

#include "support/cli_harness.h"

namespace {

using nlohmann::json;

json run(const std::string& name, const std::string& sets, const std::string& mode = "timed",
         const std::string& config = "configs/default.json") {
  const std::string dir = mx::testing_support::fresh_temp_dir("chip_description", name);
  const auto outcome = mx::testing_support::run_metaxbar(
      "run " MX_SOURCE_DIR "/" + config + " --mode " + mode + " --out " + dir +
      " --set data.train_samples=150 --set data.test_samples=50 --set 'task.pairs=[[0,1]]' " + sets);
  EXPECT_EQ(outcome.exit_code, 0) << outcome.output;
  EXPECT_EQ(outcome.output.find("Warning"), std::string::npos) << outcome.output;
  std::ifstream in(dir + "/summary.json");
  return json::parse(in);
}

double train_cycles(const json& s) { return s["latency"]["cycles_per_sample"]["train"]; }
double cycles(const json& s) { return s["latency"]["cycles"]; }

void expect_same_learning(const json& a, const json& b, const std::string& what) {
  EXPECT_EQ(a["accuracy"]["matrix"], b["accuracy"]["matrix"]) << what;
  EXPECT_EQ(a["updates"]["write_pulses"], b["updates"]["write_pulses"]) << what;
  EXPECT_EQ(a["spikes"], b["spikes"]) << what;
}

}  // namespace

TEST(ChipDescription, PartitionsMoveTimeNotLearning) {
  const json base = run("base", "");
  const json cores = run("cores2", "--set chip.cores_per_layer=2");
  const json banks = run("banks4", "--set sram.banks=4");
  const json budget = run("budget1", "--set chip.write_budget=1");
  const json pipeline = run("pipeline", "--set chip.pipeline=true");
  for (const auto& [name, s] : {std::pair{"cores", &cores}, {"banks", &banks}, {"budget", &budget},
                                 {"pipeline", &pipeline}})
    expect_same_learning(base, *s, name);
  EXPECT_GT(base["updates"]["write_pulses"].get<int64_t>(), 0);
  // Layers overlapping across steps finish sooner; one pulse in flight chip-wide later.
  EXPECT_LT(cycles(pipeline), cycles(base));
  EXPECT_GT(cycles(budget), cycles(base));
  // Two cores per layer: twice the neuron cores, each updating half the neurons.
  EXPECT_EQ(cores["blocks"].count("chip.core_L0_1"), 1u);
  EXPECT_NE(cycles(cores), cycles(base));
  // kernel time is chip time, to the 1 ps resolution.
  for (const json* s : {&base, &cores, &banks, &budget, &pipeline})
    EXPECT_NEAR((*s)["latency"]["kernel_time_s"].get<double>(), (*s)["latency"]["sim_time_s"].get<double>(), 1e-12);
}

TEST(ChipDescription, AllFourSettingsAtOnceAgreeWithTheFunctionalMode) {
  const std::string sets =
      "--set chip.cores_per_layer=2 --set sram.banks=4 --set chip.write_budget=1 --set chip.pipeline=true";
  const json timed = run("four_timed", sets);
  const json functional = run("four_functional", sets, "functional");
  expect_same_learning(timed, functional, "functional vs timed");
  EXPECT_EQ(timed["updates"], functional["updates"]);
}

TEST(ChipDescription, OneGeneratorServingEveryDrawSiteIsSlowerThanOnePerTile) {
  const std::string synapse = "--set rng.kind=lfsr --set rng.draw_policy=synapse ";
  const json shared = run("rng_controller", synapse + "--set chip.rngs=controller");
  const json per_tile = run("rng_tile", synapse + "--set chip.rngs=tile");
  const json lanes = run("rng_lanes4", synapse + "--set chip.rngs=controller --set rng.draws_per_cycle=4");
  EXPECT_GT(train_cycles(shared), train_cycles(per_tile));
  EXPECT_GT(train_cycles(shared), train_cycles(lanes));
  // Four lanes of the same stream: the same draws, the same learning.
  expect_same_learning(shared, lanes, "draws_per_cycle");
  EXPECT_EQ(shared["energy_pj"]["by_component"]["rng"], lanes["energy_pj"]["by_component"]["rng"]);
  // Tile generators are other streams: their blocks exist and draw.
  EXPECT_GT(per_tile["blocks"]["chip.rng_tile_L0_r0_c0"]["busy_ps"].get<int64_t>(), 0);
}

// The tile generators live in their RNG blocks in the timed mode and in the rule's bank in
// the functional one: the same streams, so the same learning.
TEST(ChipDescription, TileGeneratorsHeldByTheirBlocksDrawWhatTheFunctionalModeDraws) {
  const std::string sets = "--set rng.kind=lfsr --set rng.draw_policy=post --set chip.rngs=tile";
  const json timed = run("rng_tile_timed", sets);
  const json functional = run("rng_tile_functional", sets, "functional");
  expect_same_learning(timed, functional, "chip.rngs=tile, functional vs timed");
  EXPECT_EQ(timed["updates"], functional["updates"]);
  EXPECT_GT(timed["updates"]["rng_draws"].get<int64_t>(), 0);
}

TEST(ChipDescription, OneSramBankIsSlowerThanFourUnderGradAcc) {
  const std::string preset = "configs/paper/split_fmnist_gradacc_nmem7.json";
  const json one = run("gradacc_banks1", "--set sram.banks=1", "timed", preset);
  const json four = run("gradacc_banks4", "--set sram.banks=4", "timed", preset);
  EXPECT_GT(train_cycles(one), train_cycles(four));
  expect_same_learning(one, four, "banks");
  EXPECT_GT(one["updates"]["accumulator_updates"].get<int64_t>(), 0);
}

TEST(ChipDescription, ControllersPerTileDecideInParallel) {
  const json chip = run("ctl_chip", "");
  const json layer = run("ctl_layer", "--set chip.controllers=layer");
  const json tile = run("ctl_tile", "--set chip.controllers=tile");
  expect_same_learning(chip, layer, "layer controllers");
  expect_same_learning(chip, tile, "tile controllers");
  // Five controllers compare their own tiles' candidates at once; one compares them all.
  EXPECT_LT(train_cycles(tile), train_cycles(chip));
  EXPECT_EQ(tile["blocks"].count("chip.learning_controller_4"), 1u);
  EXPECT_EQ(layer["blocks"]["chip.learning_controller_1"]["layer"], 1);
}

TEST(ChipDescription, ABadDescriptionIsAnErrorBeforeSimulation) {
  const auto outcome = mx::testing_support::run_metaxbar("run " MX_SOURCE_DIR
                                                         "/configs/default.json --mode timed --set chip.controllers=core");
  EXPECT_NE(outcome.exit_code, 0);
  EXPECT_NE(outcome.output.find("chip.controllers"), std::string::npos) << outcome.output;
}

TEST(ChipDescription, WriteVerifyRepulsesOnANoisyTableAndAgreesWithTheFunctionalMode) {
  // sigma 15 % of each level's mean: an open-loop pulse often lands nearer a neighbour.
  const std::string noisy =
      "--set data.train_samples=1000 --set data.test_samples=300 "
      "--set 'device.levels={\"count\":16,\"g_min_us\":10,\"g_max_us\":100,\"sigma_frac\":0.15,"
      "\"spacing\":\"conductance\"}' ";
  const std::string verify = noisy + "--set controller.write_verify=true --set controller.verify_max_pulses=6";
  const json open = run("verify_off", noisy);
  const json timed = run("verify_timed", verify);
  const json functional = run("verify_functional", verify, "functional");
  expect_same_learning(timed, functional, "write-verify functional vs timed");
  EXPECT_EQ(timed["updates"], functional["updates"]);
  const json& u = timed["updates"];
  EXPECT_GT(u["verify_reads"].get<uint64_t>(), u["write_pulses"].get<uint64_t>());  // a read before each write too
  EXPECT_GT(u["verify_failures"].get<uint64_t>(), 0u);
  EXPECT_EQ(open["updates"]["verify_reads"].get<uint64_t>(), 0u);
  // Verifying moves the devices differently: other learning, other writes per device.
  EXPECT_NE(timed["accuracy"]["matrix"], open["accuracy"]["matrix"]);
  EXPECT_NE(u["write_pulses"], open["updates"]["write_pulses"]);
  EXPECT_NE(u["max_writes_per_device"], open["updates"]["max_writes_per_device"]);
  // Every pulse and every read is on the ledger.
  const json& ops = timed["energy_pj"]["operations"];
  EXPECT_EQ(ops["verify_reads"], u["verify_reads"]);
  EXPECT_EQ(ops["write_pulses"], u["write_pulses"]);
  EXPECT_GT(timed["energy_pj"]["by_component"]["verify_reads"].get<double>(), 0.0);
}

TEST(ChipDescription, ABadVerifySettingIsAOneLineError) {
  for (const char* set : {"controller.verify_tolerance=0.8", "controller.verify_max_pulses=0"}) {
    const auto outcome = mx::testing_support::run_metaxbar("run " MX_SOURCE_DIR "/configs/default.json --set " +
                                                           std::string(set));
    EXPECT_NE(outcome.exit_code, 0) << set;
    const std::string key = std::string(set).substr(0, std::string(set).find('='));
    EXPECT_NE(outcome.output.find(key), std::string::npos) << outcome.output;
    EXPECT_LE(std::count(outcome.output.begin(), outcome.output.end(), '\n'), 1) << outcome.output;
  }
}
