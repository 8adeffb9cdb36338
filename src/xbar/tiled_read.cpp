#include "xbar/tiled_read.h"

#include "common/vectorize.h"
#include "xbar/read_effects.h"

#include <algorithm>
#include <cstring>

namespace mx {

MX_VECTOR_CLONES
void tile_partial_sums(const SynapseArray& array, const uint32_t* active_begin, const uint32_t* active_end,
                       size_t col_begin, size_t col_end, const Adc& adc, float* partial) {
  const size_t width = col_end - col_begin;
  if (array.per_read_effects()) {
    effects_partial_sums(array, active_begin, active_end, nullptr, col_begin, col_end, partial);
    adc.convert_in_place(partial, width);
    return;
  }
  float* __restrict sum = partial;
  std::fill(sum, sum + width, 0.0f);
  for (const uint32_t* row = active_begin; row != active_end; ++row) {
    const float* __restrict g = array.weight_row(*row) + col_begin;
    for (size_t j = 0; j < width; ++j) sum[j] += g[j];
  }
  array.tally_rows(active_begin, active_end, nullptr, col_begin, col_end);
  adc.convert_in_place(sum, width);
}

std::pair<const uint32_t*, const uint32_t*> spikes_in_row_tile(const std::vector<uint32_t>& active,
                                                               const TileGrid& grid, size_t rows, size_t tile) {
  const uint32_t row_begin = static_cast<uint32_t>(std::min(rows, tile * grid.tile_rows));
  const uint32_t row_end = static_cast<uint32_t>(std::min(rows, (tile + 1) * grid.tile_rows));
  const uint32_t* begin = std::lower_bound(active.data(), active.data() + active.size(), row_begin);
  const uint32_t* end = std::lower_bound(begin, active.data() + active.size(), row_end);
  return {begin, end};
}

TiledLayerReader::TiledLayerReader(const TileGrid& grid, const AdcSpec& adc) : grid_(grid), adc_(adc) {}

void TiledLayerReader::read(const SynapseArray& array, const std::vector<uint32_t>& active, float* out) {
  const size_t cols = array.cols();
  const size_t tiles = grid_.row_tiles(array.rows());
  std::memset(out, 0, cols * sizeof(float));
  partial_.resize(cols);
  spikes_per_tile_.assign(tiles, 0);
  for (size_t tile = 0; tile < tiles; ++tile) {
    const auto [begin, end] = spikes_in_row_tile(active, grid_, array.rows(), tile);
    spikes_per_tile_[tile] = static_cast<size_t>(end - begin);
    if (begin == end) continue;
    // IR drop runs along each tile's own wires, so the reads go tile by tile then; without it
    // one pass over every column computes the same sums.
    if (array.options().wire_r_ohm > 0) {
      for (size_t col = 0; col < cols; col += grid_.tile_cols)
        tile_partial_sums(array, begin, end, col, std::min(cols, col + grid_.tile_cols), adc_, partial_.data() + col);
    } else {
      tile_partial_sums(array, begin, end, 0, cols, adc_, partial_.data());
    }
    for (size_t j = 0; j < cols; ++j) out[j] += partial_[j];
  }
}

}  // namespace mx
