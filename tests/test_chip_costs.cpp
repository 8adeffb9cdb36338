// The cost model moves the way a hardware engineer expects when the chip changes.
#include <gtest/gtest.h>

#include "chip/chip_costs.h"
#include "chip/floorplan.h"
#include "common/error.h"
#include "config/config.h"
#include "hw/hw_rng.h"

using namespace mx;

namespace {

ChipCosts costs(const Config& config, RngKind kind = RngKind::lfsr) {
  HwRngSpec spec;
  spec.kind = kind;
  spec.bits = static_cast<unsigned>(config.get_uint("rng.bits"));
  spec.lfsr_width = static_cast<unsigned>(config.get_uint("rng.lfsr_width"));
  return make_chip_costs(config, Tech::defaults(), HwRng(spec, 1), 7, 2, 2);
}

}  // namespace

TEST(ChipCosts, FewerAdcsPerTileMeansMoreCyclesPerRead) {
  Config few_columns, many_columns;
  few_columns.set("adc.columns_per_adc", 4);
  many_columns.set("adc.columns_per_adc", 32);
  EXPECT_LT(costs(few_columns).tile_read_ps(256), costs(many_columns).tile_read_ps(256));
}

TEST(ChipCosts, AdcEnergyGrowsWithBits) {
  Config four, eight;
  four.set("adc.bits", 4);
  eight.set("adc.bits", 8);
  EXPECT_LT(costs(four).conversion_aj, costs(eight).conversion_aj);
  // Fewer bits per word also mean fewer flits for the partial sums.
  EXPECT_LT(costs(four).partial_sum_packets(256), costs(eight).partial_sum_packets(256));
}

TEST(ChipCosts, TrngDrawCostsMoreThanLfsrDrawWithDefaults) {
  Config config;
  EXPECT_GT(costs(config, RngKind::trng).rng_draw_aj, costs(config, RngKind::lfsr).rng_draw_aj);
  EXPECT_GT(costs(config, RngKind::trng).rng_draw_ps, costs(config, RngKind::xorshift32).rng_draw_ps);
}

TEST(ChipCosts, MoreRngBitsCostMore) {
  Config narrow, wide;
  narrow.set("rng.bits", 4);
  wide.set("rng.bits", 16);
  EXPECT_LT(costs(narrow).rng_draw_aj, costs(wide).rng_draw_aj);
  EXPECT_LT(costs(narrow).rng_draw_ps, costs(wide).rng_draw_ps);
}

TEST(ChipCosts, FasterClockShortensCycles) {
  Config slow, fast;
  slow.set("clock.frequency_hz", 5e8);
  fast.set("clock.frequency_hz", 2e9);
  EXPECT_EQ(costs(slow).cycle_ps, 2000u);
  EXPECT_EQ(costs(fast).cycle_ps, 500u);
}

TEST(ChipCosts, TechOverridesReachTheCosts) {
  Config config;
  config.set("tech", json{{"rram_set", {{"energy_pj", 1.5}}}});
  const Tech tech = load_tech(config);
  EXPECT_DOUBLE_EQ(tech.at("rram_set").energy_pj, 1.5);
  const HwRng rng(HwRngSpec{}, 1);
  EXPECT_EQ(make_chip_costs(config, tech, rng, 1, 1, 1).set_pulse_aj, 1500000);
  config.set("tech", json{{"rram_sett", {{"energy_pj", 1.5}}}});
  try {
    load_tech(config);
    FAIL() << "unknown tech entry accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("rram_set"), std::string::npos) << e.what();
  }
}

TEST(Floorplan, TilesCoverEveryLayerAndSmallerTilesNeedMore) {
  const size_t rows[2] = {784, 200}, cols[2] = {200, 2};
  const Floorplan big = make_floorplan(rows, cols, TileGrid{256, 256}, 0, 0);
  const Floorplan small = make_floorplan(rows, cols, TileGrid{64, 64}, 0, 0);
  EXPECT_EQ(big.tiles.size(), 4u + 1u);
  EXPECT_EQ(small.tiles.size(), 13u * 4u + 4u * 1u);
  EXPECT_GE(small.routers(), small.tiles.size());
  size_t covered = 0;
  for (const TilePlacement& tile : small.tiles)
    if (tile.layer == 0) covered += (tile.row_end - tile.row_begin) * (tile.col_end - tile.col_begin);
  EXPECT_EQ(covered, 784u * 200u);
  EXPECT_THROW(make_floorplan(rows, cols, TileGrid{64, 64}, 4, 4), Error);
  EXPECT_THROW(make_floorplan(rows, cols, TileGrid{256, 256}, 3, 0), Error);
}
