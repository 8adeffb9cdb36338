#pragma once
// The read path of a crossbar layer split into tiles. A tile covers a block of word lines
// (rows) and bit lines (columns); the spiking inputs drive their rows, every column sums
// the conductances of its driven rows (Kirchhoff), the tile's ADCs convert those partial
// sums, and the partial sums of the tiles stacked along the rows are added digitally.
// Splitting the columns never changes a column's sum; splitting the rows does (each row
// tile is converted on its own), so both modes must combine row tiles in the same order.
#include <cstdint>
#include <vector>

#include "device/synapse_array.h"
#include "hw/converters.h"

namespace mx {

struct TileGrid {
  size_t tile_rows = 128, tile_cols = 128;
  size_t row_tiles(size_t rows) const { return (rows + tile_rows - 1) / tile_rows; }
  size_t col_tiles(size_t cols) const { return (cols + tile_cols - 1) / tile_cols; }
};

// What one tile computes in a read: the column sums of its driven rows over its columns
// [col_begin, col_end), converted by its ADCs, into `partial` (indexed from col_begin).
// `active` holds sorted row indices, all inside the tile's rows.
void tile_partial_sums(const SynapseArray& array, const uint32_t* active_begin, const uint32_t* active_end,
                       size_t col_begin, size_t col_end, const Adc& adc, float* partial);

// The spikes of `active` (sorted) that fall in row tile `tile`: [begin, end) pointers.
std::pair<const uint32_t*, const uint32_t*> spikes_in_row_tile(const std::vector<uint32_t>& active,
                                                               const TileGrid& grid, size_t rows, size_t tile);

class TiledLayerReader {
 public:
  TiledLayerReader(const TileGrid& grid, const AdcSpec& adc);
  // out[col] = sum over row tiles (in order) of ADC(partial sum of that tile's driven rows).
  // The digital combination adds each row tile's converted sums in row-tile order; an idle
  // row tile contributes nothing (its converted sums are exactly 0).
  void read(const SynapseArray& array, const std::vector<uint32_t>& active, float* out);
  // The spikes falling in each row tile, from the last read (for the timed model's costs).
  const std::vector<size_t>& spikes_per_row_tile() const { return spikes_per_tile_; }
  const Adc& adc() const { return adc_; }
  const TileGrid& grid() const { return grid_; }

 private:
  TileGrid grid_;
  Adc adc_;
  std::vector<float> partial_;
  std::vector<size_t> spikes_per_tile_;
};

}  // namespace mx
