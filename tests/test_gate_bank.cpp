// The gate's generators: found by draw site, lent to the blocks that model them and given back.
#include <gtest/gtest.h>

#include "common/error.h"
#include "learning/gate_bank.h"

using namespace mx;

namespace {

GateSpec lfsr_gate() {
  GateSpec spec;
  spec.rng.kind = RngKind::lfsr;
  spec.rng.bits = 8;
  spec.rng.lfsr_width = 16;
  return spec;
}

}  // namespace

TEST(GateBank, PerTileGeneratorsAreFoundByTheTileOfTheSynapse) {
  const TileGrid grid{4, 3};
  const size_t rows[2] = {8, 6}, cols[2] = {6, 2};
  GateBank bank(lfsr_gate(), 7, true, grid, rows, cols);
  // Layer 0: 2 x 2 tiles, layer 1: 2 x 1.
  ASSERT_EQ(bank.size(), 6u);
  EXPECT_EQ(bank.index_of(0, 0, 0), 0u);
  EXPECT_EQ(bank.index_of(0, 3, 5), 1u);
  EXPECT_EQ(bank.index_of(0, 4, 0), 2u);
  EXPECT_EQ(bank.index_of(0, 7, 5), 3u);
  EXPECT_EQ(bank.index_of(1, 5, 1), 5u);
  GateBank one(lfsr_gate(), 7, false, grid, rows, cols);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one.index_of(1, 5, 1), 0u);
}

TEST(GateBank, ALentGeneratorKeepsItsStreamAndComesBackOnce) {
  const TileGrid grid{4, 4};
  const size_t rows[2] = {4, 4}, cols[2] = {4, 4};
  GateBank lent(lfsr_gate(), 3, false, grid, rows, cols), kept(lfsr_gate(), 3, false, grid, rows, cols);
  std::unique_ptr<UpdateGate> held = lent.release(0);
  EXPECT_EQ(held.get(), &lent.at(0));  // the bank draws through the block's generator
  EXPECT_THROW(lent.release(0), Error);
  for (int i = 0; i < 5; ++i) lent.at(0).draw(), kept.at(0).draw();
  EXPECT_EQ(held->draws(), 5u);
  auto stranger = std::make_unique<UpdateGate>(lfsr_gate(), 3);
  EXPECT_THROW(lent.restore(0, std::move(stranger)), Error);
  lent.restore(0, std::move(held));
  // Back in the bank, the stream goes on where it was.
  EXPECT_EQ(lent.at(0).draws(), 5u);
  for (int i = 0; i < 50; ++i) {
    lent.at(0).draw(), kept.at(0).draw();
    for (double p : {0.1, 0.3, 0.5, 0.7, 0.9}) ASSERT_EQ(lent.at(0).passes(p), kept.at(0).passes(p)) << i;
  }
}
