// The tech table's area, leakage, corners and node scaling: every block kind has an area
// with a source, bad entries fail with one line naming the entry, corners bound the value,
// and tech.node_nm moves area, energy and leakage together by the documented rule.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "hw/tech.h"

namespace {

using mx::Error;
using mx::Tech;
using mx::TechCorner;
using nlohmann::json;

std::string error_of(const json& overrides) {
  try {
    Tech tech = Tech::defaults();
    tech.apply_overrides(overrides, "tech");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(TechArea, EveryBlockKindHasAnAreaAndASourceAtANode) {
  const Tech tech = Tech::defaults();
  for (const char* kind : {"device_cell", "dac_row_drive", "sense_circuit", "write_driver", "adc_conversion_8bit",
                           "adc_conversion_4bit", "sram_cell", "sram_bank_periphery", "router", "neuron_lane",
                           "trng_bit", "lfsr_flipflop_bit", "lfsr_xor", "xorshift32_draw", "controller_logic",
                           "comparator", "fp32_mult", "fp32_add"}) {
    const mx::TechEntry& e = tech.at(kind);
    EXPECT_GT(e.area_um2, 0) << kind;
    EXPECT_FALSE(e.source.empty()) << kind;
    if (e.node_nm == 0) EXPECT_NE(e.source.find("not"), std::string::npos) << kind << ": why is it not scaled?";
  }
  // Interpolated ADC widths carry area and leakage too, between their neighbours.
  const mx::TechEntry seven = tech.adc_conversion(7);
  EXPECT_GT(seven.area_um2, tech.at("adc_conversion_6bit").area_um2);
  EXPECT_LT(seven.area_um2, tech.at("adc_conversion_8bit").area_um2);
}

TEST(TechArea, BadEntriesGiveOneLineNamingTheEntry) {
  for (const auto& [overrides, needle] :
       std::vector<std::pair<json, std::string>>{
           {json{{"routr", {{"area_um2", 1}}}}, "tech.routr"},
           {json{{"router", {{"area_um2", -1}}}}, "tech.router.area_um2"},
           {json{{"router", {{"leakage_uw", -0.5}}}}, "tech.router.leakage_uw"},
           {json{{"router", {{"area_um2_min", 10}, {"area_um2_max", 5}}}}, "tech.router.area_um2_min"},
           {json{{"router", {{"area_um2", 100}, {"area_um2_max", 50}}}}, "tech.router.area_um2"},
           {json{{"router", {{"area", 100}}}}, "tech.router.area"},
           {json{{"node_nm", {{"value", -3}}}}, "tech.node_nm"}}) {
    const std::string message = error_of(overrides);
    EXPECT_NE(message.find(needle), std::string::npos) << overrides.dump() << " -> " << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

TEST(TechCorners, CornersBoundEveryFigureAndSpreadCoversTheRest) {
  Tech tech = Tech::defaults();
  tech.apply_overrides(json::parse(R"({"adc_conversion_8bit": {"energy_pj_min": 0.8, "energy_pj_max": 3.2},
                                       "router": {"spread": 0.5}})"),
                       "tech");
  ASSERT_TRUE(tech.has_corners());
  const Tech low = tech.corner(TechCorner::low), high = tech.corner(TechCorner::high);
  EXPECT_EQ(low.at("adc_conversion_8bit").energy_pj, 0.8);
  EXPECT_EQ(high.at("adc_conversion_8bit").energy_pj, 3.2);
  EXPECT_EQ(tech.at("adc_conversion_8bit").energy_pj, 1.6);
  EXPECT_DOUBLE_EQ(low.at("router").area_um2, 0.5 * tech.at("router").area_um2);
  EXPECT_DOUBLE_EQ(high.at("router").area_um2, 1.5 * tech.at("router").area_um2);
  // The router's leakage has default corners of its own, which beat the spread.
  EXPECT_DOUBLE_EQ(high.at("router").leakage_uw, 3 * tech.at("router").leakage_uw);
  EXPECT_EQ(low.at("rram_set").energy_pj, 0.6);  // no bounds: the value
  // A table with its corners survives the round trip through JSON.
  const Tech again = Tech::from_json(tech.to_json(), "round trip");
  EXPECT_EQ(again.corner(TechCorner::high).at("adc_conversion_8bit").energy_pj, 3.2);
}

TEST(TechNode, NodeScalingMovesAreaEnergyAndLeakageTogether) {
  const Tech published = Tech::defaults();
  Tech scaled = Tech::defaults();
  scaled.apply_overrides(json{{"node_nm", 22.5}}, "tech");  // half of 45 nm: k = 2
  const mx::TechEntry& a = published.at("fp32_mult");
  const mx::TechEntry& b = scaled.at("fp32_mult");
  EXPECT_DOUBLE_EQ(b.area_um2, a.area_um2 / 4);
  EXPECT_DOUBLE_EQ(b.energy_pj, a.energy_pj / 8);
  EXPECT_DOUBLE_EQ(b.leakage_uw, a.leakage_uw / 4);
  EXPECT_DOUBLE_EQ(b.latency_ns, a.latency_ns / 2);
  EXPECT_NE(b.source.find("Dennard"), std::string::npos);
  // Device physics stays as published.
  EXPECT_EQ(scaled.at("rram_set").energy_pj, published.at("rram_set").energy_pj);
  // An entry at the target node is unchanged; the node survives the JSON round trip.
  Tech at45 = Tech::defaults();
  at45.apply_overrides(json{{"node_nm", {{"value", 45}}}}, "tech");
  EXPECT_EQ(at45.at("sram_cell").area_um2, published.at("sram_cell").area_um2);
  EXPECT_NE(at45.at("router").area_um2, published.at("router").area_um2);  // published at 32 nm
  EXPECT_EQ(Tech::from_json(at45.to_json(), "round trip").node_nm(), 45);
}

}  // namespace
