#include "learning/gate_bank.h"

#include "common/random.h"

namespace mx {
namespace {
// Stream tags of the rule's seed: existing streams keep their numbers so results do not move.
enum StreamTag : uint64_t { kGateStream = 101, kTileGateStream = 111 };
}  // namespace

GateBank::GateBank(const GateSpec& spec, uint64_t seed, bool per_tile, const TileGrid& grid, const size_t rows[2],
                   const size_t cols[2])
    : per_tile_(per_tile), grid_(grid) {
  if (!per_tile_) {
    gates_.add(std::make_unique<UpdateGate>(spec, derive_seed(seed, kGateStream)));
  } else {
    for (unsigned layer = 0; layer < 2; ++layer) {
      first_[layer] = gates_.size();
      col_tiles_[layer] = grid_.col_tiles(cols[layer]);
      const size_t tiles = grid_.row_tiles(rows[layer]) * col_tiles_[layer];
      for (size_t t = 0; t < tiles; ++t)
        gates_.add(std::make_unique<UpdateGate>(spec, derive_seed(derive_seed(seed, kTileGateStream + layer), t)));
    }
  }
}

}  // namespace mx
