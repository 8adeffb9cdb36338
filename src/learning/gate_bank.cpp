#include "learning/gate_bank.h"

#include "common/error.h"
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
    owned_.push_back(std::make_unique<UpdateGate>(spec, derive_seed(seed, kGateStream)));
  } else {
    for (unsigned layer = 0; layer < 2; ++layer) {
      first_[layer] = owned_.size();
      col_tiles_[layer] = grid_.col_tiles(cols[layer]);
      const size_t tiles = grid_.row_tiles(rows[layer]) * col_tiles_[layer];
      for (size_t t = 0; t < tiles; ++t)
        owned_.push_back(std::make_unique<UpdateGate>(spec, derive_seed(derive_seed(seed, kTileGateStream + layer), t)));
    }
  }
  for (const auto& gate : owned_) gates_.push_back(gate.get());
}

std::unique_ptr<UpdateGate> GateBank::release(size_t index) {
  if (index >= owned_.size() || !owned_[index])
    throw Error("gate bank: generator " + std::to_string(index) + " of " + std::to_string(owned_.size()) +
                " is not the bank's to hand over");
  return std::move(owned_[index]);
}

void GateBank::restore(size_t index, std::unique_ptr<UpdateGate> gate) {
  if (index >= owned_.size() || owned_[index] || gate.get() != gates_[index])
    throw Error("gate bank: generator " + std::to_string(index) + " handed back is not the one released");
  owned_[index] = std::move(gate);
}

}  // namespace mx
