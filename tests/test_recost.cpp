// `metaxbar recost` as a user meets it: the run's own tech gives its ledger back to the
// attojoule, one doubled ADC entry doubles the ADC component and nothing else, corners
// bracket the value, and bad inputs fail in one line without touching earlier output.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "support/cli_harness.h"

namespace {

using mx::testing_support::Outcome;
using mx::testing_support::read_text;
using nlohmann::json;

Outcome metaxbar(const std::string& args) { return mx::testing_support::run_metaxbar(args); }
json read_json(const std::string& path) { return json::parse(read_text(path)); }

// One tiny timed System A run shared by the tests of this process.
const std::string& tiny_run() {
  static const std::string dir = [] {
    const std::string out = mx::testing_support::fresh_temp_dir("recost", "run");
    const Outcome run = metaxbar(std::string("run ") + MX_SOURCE_DIR +
                                 "/configs/default.json --mode timed --set data.train_samples=30 --set "
                                 "data.test_samples=10 --set 'task.pairs=[[0,1]]' --out " + out);
    EXPECT_EQ(run.exit_code, 0) << run.output;
    return out;
  }();
  return dir;
}

void expect_one_line_error(const Outcome& outcome, const std::string& needle) {
  EXPECT_NE(outcome.exit_code, 0) << outcome.output;
  EXPECT_NE(outcome.output.find(needle), std::string::npos) << outcome.output;
  EXPECT_EQ(std::count(outcome.output.begin(), outcome.output.end(), '\n'), 1) << outcome.output;
}

TEST(Recost, TheRunsOwnTechReproducesTheLedgerExactly) {
  const std::string run = tiny_run(), out = mx::testing_support::fresh_temp_dir("recost", "own");
  const Outcome recost = metaxbar("recost " + run + " --out " + out);
  ASSERT_EQ(recost.exit_code, 0) << recost.output;
  EXPECT_NE(recost.output.find("new simulation"), std::string::npos) << recost.output;  // latency is not re-timed
  const json s = read_json(run + "/summary.json"), r = read_json(out + "/recost.json");
  EXPECT_EQ(r["energy_pj"]["total_aj"], s["energy_pj"]["total_aj"]);
  EXPECT_EQ(r["energy_pj"]["by_component"], s["energy_pj"]["by_component"]);
  EXPECT_EQ(r["energy_pj"]["per_sample"], s["energy_pj"]["per_sample"]);
  EXPECT_EQ(r["area_mm2"], s["area_mm2"]);
  EXPECT_EQ(r["efficiency"], s["efficiency"]);
}

TEST(Recost, DoublingOneAdcEntryDoublesTheAdcComponentOnly) {
  const std::string run = tiny_run(), dir = mx::testing_support::fresh_temp_dir("recost", "adc");
  const json s = read_json(run + "/summary.json");
  json tech = s["tech_table"];
  const int bits = s["config"]["adc"]["bits"].get<int>();
  const std::string adc =
      "adc_conversion_" + std::to_string(bits ? bits : s["config"]["adc"]["ideal_bits"].get<int>()) + "bit";
  tech[adc]["energy_pj"] = 2 * tech[adc]["energy_pj"].get<double>();
  std::ofstream(dir + "/tech.json") << tech.dump(2);
  const Outcome recost = metaxbar("recost " + run + " --tech " + dir + "/tech.json --out " + dir + "/out");
  ASSERT_EQ(recost.exit_code, 0) << recost.output;
  const json r = read_json(dir + "/out/recost.json");
  json before = json::object();
  for (const auto& [name, pj] : s["energy_pj"]["by_component"].items()) before[name] = pj;
  const json& after = r["energy_pj"]["by_component_aj"];
  ASSERT_EQ(after.size(), before.size());
  for (const auto& [name, aj] : after.items()) {
    const int64_t old_aj = std::llround(before[name].get<double>() * 1e6);
    if (name == "adc") EXPECT_EQ(aj.get<int64_t>(), 2 * old_aj) << name;
    else EXPECT_EQ(aj.get<int64_t>(), old_aj) << name;
  }
  EXPECT_GT(s["energy_pj"]["by_component"]["adc"].get<double>(), 0);
  // The same through --set, and its corners bracket the value.
  const Outcome set = metaxbar("recost " + run + " --set tech." + adc + ".energy_pj_min=0.1 --corners --out " + dir +
                               "/corners");
  ASSERT_EQ(set.exit_code, 0) << set.output;
  const json c = read_json(dir + "/corners/recost.json");
  EXPECT_LT(c["corners"]["low"]["energy_pj"]["total"].get<double>(), c["energy_pj"]["total"].get<double>());
  EXPECT_GT(c["corners"]["high"]["power_mw"]["static"].get<double>(), c["power_mw"]["static"].get<double>());
}

// System B's chip charges several events per component (set and reset pulses, SRAM reads and
// writes, the digital unit's three kinds of work, the mesh's hops and deliveries): each is
// counted, and nothing is kept as recorded.
TEST(Recost, SystemBIsRepricedFromItsEventsExactly) {
  const std::string dir = mx::testing_support::fresh_temp_dir("recost", "system_b");
  const json config = {
      {"network", {{"kind", "qnn"}, {"hidden", 16}}},
      {"device", {{"n_mem", 1}, {"w_max_hidden", 1}, {"w_max_output", 1}, {"init_range", 0.2}}},
      {"dac", {{"bits", 4}}},
      {"adc", {{"bits", 6}}},
      {"task", {{"kind", "sequence"}, {"sequence_dirs", json::array()}}},
      {"data", {{"dir", std::string(MX_SOURCE_DIR) + "/data/mnist"}, {"train_samples", 64}, {"test_samples", 20}}},
      {"mode", "timed"}};
  std::ofstream(dir + "/config.json") << config.dump(2);
  const Outcome run = metaxbar("run " + dir + "/config.json --out " + dir + "/run");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const json s = read_json(dir + "/run/summary.json");
  EXPECT_TRUE(s["architect_record"]["recorded_aj"].empty()) << s["architect_record"]["recorded_aj"].dump();
  EXPECT_GT(s["architect_record"]["event_counts"]["noc"]["inference"]["delivery"].get<uint64_t>(), 0u);
  EXPECT_GT(s["area_mm2"]["by_component"]["sram_hidden"].get<double>(), 0);
  const Outcome same = metaxbar("recost " + dir + "/run --out " + dir + "/same");
  ASSERT_EQ(same.exit_code, 0) << same.output;
  EXPECT_EQ(read_json(dir + "/same/recost.json")["energy_pj"]["total_aj"], s["energy_pj"]["total_aj"]);
  // Doubling the SRAM write energy moves exactly the write-bit share of the SRAM components.
  const Outcome writes = metaxbar("recost " + dir + "/run --set tech.sram_write_bit.energy_pj=0.32 --out " + dir + "/w");
  ASSERT_EQ(writes.exit_code, 0) << writes.output;
  const json w = read_json(dir + "/w/recost.json");
  const json& counts = s["architect_record"]["event_counts"];
  int64_t expected = w["energy_pj"]["total_aj"].get<int64_t>() - s["energy_pj"]["total_aj"].get<int64_t>();
  for (const char* sram : {"sram_hidden", "sram_optimizer", "sram_gradient"})
    if (counts.contains(sram)) expected -= 160000 * counts[sram]["learning"].value("write_bit", int64_t{0});
  EXPECT_EQ(expected, 0);
}

// The mesh records its packet-hops per direction and its deliveries, so new router prices
// re-price it exactly: the recost equals a simulation run with those prices, to the attojoule.
TEST(Recost, RouterPricesRepriceTheMeshExactlyAsASimulationWould) {
  const std::string run = tiny_run(), dir = mx::testing_support::fresh_temp_dir("recost", "mesh");
  const json s = read_json(run + "/summary.json");
  const json& noc = s["architect_record"]["event_counts"]["noc"];
  EXPECT_FALSE(s["architect_record"]["recorded_aj"].contains("noc"));
  ASSERT_GT(noc["inference"]["delivery"].get<uint64_t>(), 0u);
  const Outcome recost = metaxbar("recost " + run + " --set tech.router_in_tile.energy_pj=0.5 --set "
                                  "tech.router_hop_east_west.energy_pj=0.75 --out " + dir + "/recost");
  ASSERT_EQ(recost.exit_code, 0) << recost.output;
  const json r = read_json(dir + "/recost/recost.json");
  uint64_t deliveries = 0, east_west = 0;
  for (const auto& [phase, counts] : noc.items()) {
    deliveries += counts.value("delivery", uint64_t{0});
    east_west += counts.value("east_west_hop", uint64_t{0});
  }
  const int64_t north_south_aj = std::llround(s["tech_table"]["router_hop_north_south"]["energy_pj"].get<double>() * 1e6);
  int64_t north_south = 0;
  for (const auto& [phase, counts] : noc.items()) north_south += counts.value("north_south_hop", int64_t{0});
  EXPECT_EQ(r["energy_pj"]["by_component_aj"]["noc"].get<int64_t>(),
            static_cast<int64_t>(deliveries) * 500000 + static_cast<int64_t>(east_west) * 750000 + north_south * north_south_aj);

  const Outcome simulated = metaxbar(std::string("run ") + MX_SOURCE_DIR +
                                     "/configs/default.json --mode timed --set data.train_samples=30 --set "
                                     "data.test_samples=10 --set 'task.pairs=[[0,1]]' --set 'tech={\"router_in_tile\": "
                                     "{\"energy_pj\": 0.5}, \"router_hop_east_west\": {\"energy_pj\": 0.75}}' --out " +
                                     dir + "/simulated");
  ASSERT_EQ(simulated.exit_code, 0) << simulated.output;
  const json t = read_json(dir + "/simulated/summary.json");
  EXPECT_EQ(r["energy_pj"]["total_aj"], t["energy_pj"]["total_aj"]);
  EXPECT_EQ(r["energy_pj"]["by_component"], t["energy_pj"]["by_component"]);
  EXPECT_NE(t["energy_pj"]["total_aj"], s["energy_pj"]["total_aj"]);
}

TEST(Recost, BadInputsGiveOneLineAndOverwriteNothing) {
  const std::string run = tiny_run(), dir = mx::testing_support::fresh_temp_dir("recost", "bad");
  const std::string out = dir + "/out";
  std::filesystem::create_directories(out);
  std::ofstream(out + "/recost.json") << "earlier output\n";
  auto write = [&](const std::string& name, const json& document) {
    std::ofstream(dir + "/" + name) << document.dump();
    return dir + "/" + name;
  };
  expect_one_line_error(metaxbar("recost " + run + " --tech " + write("unknown.json", {{"adc_conversion_8bitt", {{"energy_pj", 1}}}}) +
                                 " --out " + out), "adc_conversion_8bitt");
  expect_one_line_error(metaxbar("recost " + run + " --tech " + write("negative.json", {{"router", {{"area_um2", -1}}}}) +
                                 " --out " + out), "router.area_um2");
  expect_one_line_error(metaxbar("recost " + run + " --set tech.sram_cell.leakage_uw=-2 --out " + out),
                        "sram_cell.leakage_uw");
  expect_one_line_error(metaxbar("recost " + run + " --tech " +
                                 write("bounds.json", {{"router", {{"area_um2_min", 9}, {"area_um2_max", 1}}}}) +
                                 " --out " + out), "router.area_um2_min");
  expect_one_line_error(metaxbar("recost " + dir + " --out " + out), "not a run folder");

  // A functional run records no chip events.
  const std::string functional = dir + "/functional";
  ASSERT_EQ(metaxbar(std::string("run ") + MX_SOURCE_DIR + "/configs/default.json --mode functional --set data.train_samples=20 --set "
                     "data.test_samples=10 --set 'task.pairs=[[0,1]]' --out " + functional).exit_code, 0);
  expect_one_line_error(metaxbar("recost " + functional + " --out " + out), "functional run");
  EXPECT_EQ(read_text(out + "/recost.json"), "earlier output\n");
  EXPECT_FALSE(std::filesystem::exists(functional + "/recost"));
}

}  // namespace
