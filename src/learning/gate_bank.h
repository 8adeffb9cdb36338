#pragma once
// The generators the update gate draws from: the rule's one generator (chip.rngs =
// "controller") or one per tile (chip.rngs = "tile"), each its own stream. The bank makes
// them and finds a draw site's generator; where they live is the RNG hardware's business: in
// the bank in the functional mode, in the chip's RNG blocks in the timed mode (release()
// hands each to its block). The rule draws through the bank in both modes, so both draw the
// same numbers from the same generators.
#include <cstdint>
#include <memory>
#include <vector>

#include "common/lending.h"
#include "learning/update_gate.h"
#include "xbar/tiled_read.h"

namespace mx {

class GateBank {
 public:
  // Per tile: `rows` and `cols` are both layers' [pre, post] sizes cut by `grid`, and the
  // generators are in tile order (layer 0's tiles row by row, then layer 1's).
  GateBank(const GateSpec& spec, uint64_t seed, bool per_tile, const TileGrid& grid, const size_t rows[2],
           const size_t cols[2]);

  size_t size() const { return gates_.size(); }
  bool per_tile() const { return per_tile_; }
  UpdateGate& at(size_t index) { return gates_[index]; }
  const UpdateGate& at(size_t index) const { return gates_[index]; }
  // The generator that draws for synapse (pre, post) of `layer`: its tile's, or the one.
  size_t index_of(unsigned layer, uint32_t pre, uint32_t post) const {
    if (!per_tile_) return 0;
    return first_[layer] + (pre / grid_.tile_rows) * col_tiles_[layer] + post / grid_.tile_cols;
  }

  // Hands generator `index` to the block that models it; the bank keeps drawing through it
  // until the block gives it back (restore), which it does when the chip is torn down, so
  // the network can go on drawing the same stream after a timed run.
  std::unique_ptr<UpdateGate> release(size_t index) { return gates_.release(index); }
  void restore(size_t index, std::unique_ptr<UpdateGate> gate) { gates_.restore(index, std::move(gate)); }

 private:
  Lendable<UpdateGate> gates_{"gate bank", "generator"};
  bool per_tile_;
  TileGrid grid_;
  size_t first_[2] = {0, 0}, col_tiles_[2] = {0, 0};
};

}  // namespace mx
