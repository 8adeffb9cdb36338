// The crossbar's read energy comes from the devices on the ledger: V² G t per device read,
// V and t the tech table's rram_read voltage_v and latency_ns. All-LRS and all-HRS arrays
// cost what their conductances say, and `recost` re-prices the conductance read exactly.
#include <gtest/gtest.h>

#include "chip/area_power.h"
#include "chip/chip_costs.h"
#include "common/error.h"
#include "common/random.h"
#include "config/config.h"
#include "device/synapse_array.h"
#include "hw/energy_ledger.h"
#include "hw/hw_rng.h"
#include "hw/tech.h"
#include "tb/architect_summary.h"
#include "tb/experiment.h"
#include "support/error_of.h"

using namespace mx;

namespace {

using mx::testing_support::error_of;

Config tiny_timed_run() {
  Config config;
  config.set("mode", "timed");
  config.set("data.dir", "/usr/share/datasets/fashion-mnist");
  config.set("task.pairs", json::array({{0, 1}}));
  config.set("data.train_per_class", 20);
  config.set("data.test_samples", 100);
  config.set("network.hidden", 32);
  config.set("device.n_mem", 2);
  return config;
}

double inference_pj_per_device_read(const json& summary) {
  return summary["energy_pj"]["by_component_phase"]["crossbar"]["inference"].get<double>() /
         summary["device"]["reads"]["reads"].get<double>();
}

}  // namespace

TEST(DeviceReadEnergy, TakesAddUpToTheTallyRoundedDownOnce) {
  LevelTable table = LevelTable::generate(16, 10, 100, 0.05, true);
  DeviceOptions options;
  options.n_mem = 3;
  options.tile_cols = 8;
  Rng rng(5);
  SynapseArray array(20, 24, table, options, rng);
  uint64_t taken = 0;
  const std::vector<uint32_t> rows = {0, 3, 19};
  for (int i = 0; i < 50; ++i) {
    // A read of one synapse (a few tens of µS) rounds down to whole µS on its own; the
    // carried fractions keep the sum exact.
    array.tally_synapse(array.conductance_of_weight(array.weight(1, 2)), 0.7f);
    taken += array.take_read_microsiemens();
    array.tally_rows(rows.data(), rows.data() + rows.size(), nullptr, 0, 8);
    taken += array.take_read_microsiemens();
  }
  EXPECT_EQ(taken, array.read_tally().microsiemens());
  EXPECT_NEAR(static_cast<double>(taken), array.read_tally().conductance_s() * 1e6, 1.0);
  EXPECT_EQ(array.take_read_microsiemens(), 0u);
}

TEST(DeviceReadEnergy, TheReadVoltageIsATechFigureWithItsSource) {
  const Tech tech = Tech::defaults();
  EXPECT_DOUBLE_EQ(tech.at("rram_read").voltage_v, 0.4);
  EXPECT_NE(tech.at("rram_read").source.find("0.4 V"), std::string::npos);
  EXPECT_EQ(tech.to_json()["rram_read"]["voltage_v"], 0.4);
  EXPECT_FALSE(tech.to_json()["rram_set"].contains("voltage_v"));
  Tech changed = tech;
  changed.apply_overrides(json{{"rram_read", {{"voltage_v", 0.2}}}}, "tech");
  EXPECT_DOUBLE_EQ(changed.at("rram_read").voltage_v, 0.2);
  EXPECT_NE(changed.at("rram_read").source.find("user value at tech.rram_read"), std::string::npos);
  EXPECT_DOUBLE_EQ(Tech::from_json(changed.to_json(), "t").at("rram_read").voltage_v, 0.2);
  // V² t x 1 µS: 0.16 V² x 10 ns x 1e-6 S = 1.6 fJ.
  Config config;
  EXPECT_EQ(make_chip_costs(config, tech, HwRng(costed_rng_spec(config), 1), 1, 1, 1).read_aj_per_us, 1600);
  EXPECT_NE(error_of([&] { changed.apply_overrides(json{{"rram_set", {{"voltage_v", 2.0}}}}, "tech"); })
                .find("tech.rram_set.voltage_v: this entry has no voltage"),
            std::string::npos);
  EXPECT_NE(error_of([&] { changed.apply_overrides(json{{"rram_read", {{"voltage_v", 0}}}}, "tech"); })
                .find("tech.rram_read.voltage_v: expected a voltage > 0"),
            std::string::npos);
  EXPECT_NE(error_of([&] { changed.apply_overrides(json{{"rram_read", {{"voltage_v", "high"}}}}, "tech"); })
                .find("tech.rram_read.voltage_v: expected a number"),
            std::string::npos);
}

// Every device at the top level (LRS, 100 µS) or the bottom one (HRS, 10 µS): the same
// reads cost what the conductances say, not one constant per read. One timed run per TEST:
// SystemC elaborates once per process.
void expect_read_energy_of_stuck_array(const char* key, double g_s) {
  const double v = 0.4, t = 10e-9;
  Config config = tiny_timed_run();
  config.set(key, 1.0);
  const json summary = run_experiment(config, nullptr).summary;
  ASSERT_GT(summary["device"]["reads"]["reads"].get<double>(), 0) << key;
  // The levels' 5 % spread averages out over the reads.
  const double expected_pj = v * v * t * g_s * 1e12;
  EXPECT_NEAR(inference_pj_per_device_read(summary), expected_pj, 0.02 * expected_pj) << key;
}

TEST(DeviceReadEnergy, AnAllLrsArrayCostsItsConductance) {
  expect_read_energy_of_stuck_array("device.stuck_at_high", 100e-6);
}

TEST(DeviceReadEnergy, AnAllHrsArrayCostsItsConductance) {
  expect_read_energy_of_stuck_array("device.stuck_at_low", 10e-6);
}

// recost reproduces the run from its recorded µS and re-prices them under a new voltage.
TEST(DeviceReadEnergy, RecostRepricesTheConductanceReadExactly) {
  Config config = tiny_timed_run();
  const json summary = run_experiment(config, nullptr).summary;
  const json& counts = summary["architect_record"]["event_counts"];
  ASSERT_TRUE(counts.contains("crossbar")) << "the crossbar must be re-priceable from counts";
  const uint64_t us = counts["crossbar"]["inference"]["conductance_read_us"].get<uint64_t>();
  EXPECT_NEAR(static_cast<double>(us), summary["device"]["reads"]["conductance_sum_s"].get<double>() * 1e6, 1.0);
  EXPECT_FALSE(summary["architect_record"]["recorded_aj"].contains("crossbar"));

  const Tech run_tech = Tech::from_json(summary["tech_table"], "tech_table");
  const json same = price_run(config, summary, run_tech);
  EXPECT_EQ(same["energy_pj"]["total_aj"], summary["energy_pj"]["total_aj"]);

  Tech doubled = run_tech;
  doubled.apply_overrides(json{{"rram_read", {{"voltage_v", 0.8}}}}, "tech");
  const json repriced = price_run(config, summary, doubled);
  const double before = same["energy_pj"]["by_component_phase"]["crossbar"]["inference"].get<double>();
  const double after = repriced["energy_pj"]["by_component_phase"]["crossbar"]["inference"].get<double>();
  EXPECT_GT(before, 0);
  EXPECT_DOUBLE_EQ(after, 4 * before);  // (2V)²: 6400 aJ per µS instead of 1600, exactly
  // The controller's weight reads keep rram_read's per-device energy.
  EXPECT_EQ(repriced["energy_pj"]["by_component_phase"]["crossbar"]["learning"],
            same["energy_pj"]["by_component_phase"]["crossbar"]["learning"]);
}
