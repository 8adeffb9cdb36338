// Area, leakage and static energy move with the design choices an architect makes: more
// ADCs, wider ADCs and more SRAM bits cost area; smaller tiles cost more periphery per
// synapse; a faster clock leaves less time to leak per sample.
#include <gtest/gtest.h>

#include <algorithm>

#include <string>

#include <nlohmann/json.hpp>

#include "chip/area_power.h"
#include "chip/floorplan.h"
#include "config/config.h"
#include "qnn/quantized_perceptron.h"
#include "support/cli_harness.h"
#include "tb/architect_summary.h"

namespace {

using mx::Config;
using nlohmann::json;

Config config_with(const json& overrides) { return Config::from_json(overrides, "test"); }

// System A's 784-200-2 network on `config`'s tiles.
mx::AreaLeakage price(const Config& config, const mx::SramBits& sram = {}) {
  const size_t rows[2] = {784, 200}, cols[2] = {200, 2};
  mx::TileGrid grid;
  grid.tile_rows = config.get_uint("tile.rows");
  grid.tile_cols = config.get_uint("tile.cols");
  const mx::Floorplan plan = mx::make_floorplan(rows, cols, grid, 0, 0);
  return mx::price_inventory(mx::Tech::defaults(),
                             mx::chip_inventory(config, plan, static_cast<unsigned>(config.get_uint("device.n_mem")), sram));
}

TEST(AreaPower, AreaGrowsWithAdcCount) {
  const mx::AreaLeakage shared = price(config_with({{"adc", {{"columns_per_adc", 8}}}}));
  const mx::AreaLeakage own = price(config_with({{"adc", {{"columns_per_adc", 1}}}}));
  EXPECT_DOUBLE_EQ(own.by_component.at("adc").area_um2, 8 * shared.by_component.at("adc").area_um2);
  EXPECT_GT(own.total.area_um2, shared.total.area_um2);
  EXPECT_GT(own.total.leakage_uw, shared.total.leakage_uw);
  EXPECT_EQ(own.by_component.at("crossbar").area_um2, shared.by_component.at("crossbar").area_um2);
}

TEST(AreaPower, AreaGrowsWithAdcBits) {
  double previous = 0;
  for (int bits : {4, 5, 6, 7, 8}) {
    const double area = price(config_with({{"adc", {{"bits", bits}}}})).by_component.at("adc").area_um2;
    EXPECT_GT(area, previous) << bits << " bits";
    previous = area;
  }
}

TEST(AreaPower, AreaGrowsWithSramBitsAndSystemBStateShowsAsSquareMillimetres) {
  const Config a = Config();
  const double m8 = price(a, mx::SramBits{157200 * 8}).total.area_um2;
  const double m16 = price(a, mx::SramBits{157200 * 16}).total.area_um2;
  EXPECT_GT(m16, m8);

  // System B's preset network: its digital unit's hidden weights, Adam moments and batch
  // buffer, read through the same path a run's summary takes.
  Config b = Config::from_file(std::string(MX_SOURCE_DIR) + "/configs/paper/mnist_fmnist_qnn_meta.json");
  const mx::QuantizedPerceptron network(b, 784, 10, 1);
  const json unit = network.memory_bits();
  const json memory = {{"digital_unit_total", unit["total"]},
                       {"optimizer_state_total", unit["optimizer_state"]},
                       {"gradient_buffer_total", unit["gradient_buffer"]}};
  const mx::SramBits bits = mx::sram_bits_of(b, memory);
  EXPECT_GT(bits.hidden + bits.optimizer + bits.gradient, 80e6) << unit.dump();  // the 91 Mb of SPEC's System B
  const double sram_mm2 = [&] {
    const mx::AreaLeakage priced = price(b, bits);
    double sum = 0;
    for (const char* c : {"sram_hidden", "sram_optimizer", "sram_gradient"})
      if (priced.by_component.count(c)) sum += priced.by_component.at(c).area_um2;
    return sum * 1e-6;
  }();
  EXPECT_GT(sram_mm2, 10.0);  // ~91e6 x 0.346 um^2 / 0.7 array efficiency
}

TEST(AreaPower, SmallerTilesCostMorePeripheryPerSynapse) {
  const double synapses = 784 * 200 + 200 * 2;
  auto periphery_per_synapse = [&](int side) {
    const mx::AreaLeakage p = price(config_with({{"tile", {{"rows", side}, {"cols", side}}}}));
    double periphery = 0;
    for (const char* c : {"row_drivers", "sense", "adc", "write_drivers", "noc"}) periphery += p.by_component.at(c).area_um2;
    return periphery / synapses;
  };
  EXPECT_GT(periphery_per_synapse(64), periphery_per_synapse(128));
  EXPECT_GT(periphery_per_synapse(128), periphery_per_synapse(256));
}

TEST(AreaPower, StaticEnergyPerSampleFallsAsTheClockRises) {
  const std::string dir = mx::testing_support::fresh_temp_dir("area_power", "clock");
  double previous = 0;
  for (const char* hz : {"2e9", "5e8"}) {
    const std::string out = dir + "/" + hz;
    const auto run = mx::testing_support::run_metaxbar(
        std::string("run ") + MX_SOURCE_DIR + "/configs/default.json --mode timed --set data.train_samples=20 "
        "--set data.test_samples=10 --set 'task.pairs=[[0,1]]' --set clock.frequency_hz=" + hz + " --out " + out);
    ASSERT_EQ(run.exit_code, 0) << run.output;
    EXPECT_NE(run.output.find("TOPS/W"), std::string::npos) << run.output;  // the console summary
    const json s = json::parse(mx::testing_support::read_text(out + "/summary.json"));
    const double per_sample = s["static_energy_pj"]["per_sample_pj"].get<double>();
    EXPECT_GT(per_sample, previous) << hz;  // a slower clock: more chip time to leak in
    previous = per_sample;
    // The leakage itself is the same chip's.
    EXPECT_GT(s["power_mw"]["leakage_total"].get<double>(), 0);
  }
}

TEST(AreaPower, EveryTimedBlockIsGatedAndLeaksNoLessThanWhileBusy) {
  const std::string dir = mx::testing_support::fresh_temp_dir("area_power", "gating");
  json figures[2];
  int i = 0;
  for (const char* gating : {"none", "idle_blocks"}) {
    const std::string out = dir + "/" + gating;
    const auto run = mx::testing_support::run_metaxbar(
        std::string("run ") + MX_SOURCE_DIR + "/configs/default.json --mode timed --set data.train_samples=20 "
        "--set data.test_samples=10 --set 'task.pairs=[[0,1]]' --set power.gating=" + gating + " --out " + out);
    ASSERT_EQ(run.exit_code, 0) << run.output;
    figures[i++] = json::parse(mx::testing_support::read_text(out + "/summary.json"));
  }
  const json& none = figures[0]["static_energy_pj"];
  const json& gated = figures[1]["static_energy_pj"];
  EXPECT_LT(gated["total_pj"].get<double>(), none["total_pj"].get<double>());
  EXPECT_GT(gated["wakeup_pj"].get<double>(), 0);
  // Tiles, routers, neuron cores, the controller, its RNG and the m SRAM are all timed by the
  // chip, so all are gated: every component leaks less.
  EXPECT_TRUE(gated["ungated_blocks"].empty()) << gated["ungated_blocks"];
  for (const char* component : {"adc", "noc", "neuron_cores", "controller", "rng", "sram_m"})
    EXPECT_LT(gated["by_component"][component].get<double>(), none["by_component"][component].get<double>()) << component;
  // Never below the busy-time bound: a tile leaks at least its leakage over its busy time.
  const json& blocks = figures[1]["blocks"];
  double tiles_busy_pj = 0, tiles_gated_pj = 0;
  for (const auto& [name, tile] : figures[1]["per_tile"].items()) {
    std::string block = name;
    std::replace(block.begin(), block.end(), ' ', '_');
    ASSERT_TRUE(blocks.contains("chip." + block)) << block;
    tiles_busy_pj += tile["leakage_mw"].get<double>() * blocks["chip." + block]["busy_ps"].get<double>() * 1e-3;
  }
  for (const char* component : {"adc", "crossbar", "row_drivers", "sense", "write_drivers"})
    tiles_gated_pj += gated["by_component"].value(component, 0.0);
  EXPECT_GT(tiles_busy_pj, 0);
  EXPECT_GE(tiles_gated_pj, tiles_busy_pj * (1 - 1e-9));
  EXPECT_GE(gated["total_pj"].get<double>(), tiles_busy_pj);
  // The tiles' busy fractions reach the per-tile section.
  for (const auto& [name, tile] : figures[1]["per_tile"].items()) {
    ASSERT_TRUE(tile.contains("busy_fraction")) << name;
    EXPECT_GT(tile["busy_fraction"].get<double>(), 0) << name;
    EXPECT_LE(tile["busy_fraction"].get<double>(), 1) << name;
  }
}

// Gated blocks leak only while busy plus a wake-up per sample; ungated ones all the time.
TEST(AreaPower, IdleBlockGatingChargesBusyTimeAndWakeUps) {
  const std::vector<mx::BlockInstance> blocks = {{"a", "router", -1, {{"noc", "router", 1}}},
                                                 {"b", "router", -1, {{"noc", "router", 2}}}};
  const mx::AreaLeakage priced = mx::price_inventory(mx::Tech::defaults(), blocks);
  mx::StaticInputs in;
  in.chip_ps = 1000000;
  in.samples = 4;
  in.wakeup_ps = 10000;
  const mx::StaticEnergy none = mx::static_energy(priced, blocks, in);
  in.gating = "idle_blocks";
  in.busy_ps = {{"a", 250000}};
  const mx::StaticEnergy gated = mx::static_energy(priced, blocks, in);
  const double leak = mx::Tech::defaults().at("router").leakage_uw;
  EXPECT_EQ(none.total_aj, std::llround(leak * 1e6) + std::llround(2 * leak * 1e6));
  EXPECT_EQ(gated.total_aj, std::llround(leak * 250000) + std::llround(leak * 40000) + std::llround(2 * leak * 1e6));
  EXPECT_EQ(gated.ungated, std::vector<std::string>{"b"});
}

}  // namespace
