#include "xbar/analog_read.h"

#include <algorithm>
#include <cstring>

#include "common/vectorize.h"
#include "xbar/read_effects.h"

namespace mx {

void driven_lines(const float* drive, size_t begin, size_t end, std::vector<uint32_t>& lines) {
  lines.clear();
  for (size_t i = begin; i < end; ++i)
    if (drive[i] != 0.0f) lines.push_back(static_cast<uint32_t>(i));
}

MX_VECTOR_CLONES
void analog_tile_partial_sums(const SynapseArray& array, const uint32_t* rows_begin, const uint32_t* rows_end,
                              const float* x, size_t col_begin, size_t col_end, const Adc& adc, float* partial) {
  const size_t width = col_end - col_begin;
  if (array.per_read_effects()) {
    effects_partial_sums(array, rows_begin, rows_end, x, col_begin, col_end, partial);
    adc.convert_in_place(partial, width);
    return;
  }
  float* __restrict sum = partial;
  std::fill(sum, sum + width, 0.0f);
  for (const uint32_t* row = rows_begin; row != rows_end; ++row) {
    const float drive = x[*row];
    const float* __restrict w = array.weight_row(*row) + col_begin;
    for (size_t j = 0; j < width; ++j) sum[j] += drive * w[j];
  }
  array.tally_rows(rows_begin, rows_end, x, col_begin, col_end);
  adc.convert_in_place(sum, width);
}

void analog_tile_transposed_sums(const SynapseArray& array, const uint32_t* cols_begin, const uint32_t* cols_end,
                                 const float* y, size_t row_begin, size_t row_end, const Adc& adc, float* partial) {
  if (array.per_read_effects()) {
    effects_transposed_sums(array, cols_begin, cols_end, y, row_begin, row_end, partial);
    adc.convert_in_place(partial, row_end - row_begin);
    return;
  }
  // Every word line senses its own sum, so each row of the tile is one dot product.
  for (size_t i = row_begin; i < row_end; ++i) {
    const float* w = array.weight_row(i);
    float sum = 0.0f;
    for (const uint32_t* col = cols_begin; col != cols_end; ++col) {
      sum += w[*col] * y[*col];
      array.tally_synapse(array.conductance_of_weight(w[*col]), y[*col]);
    }
    partial[i - row_begin] = sum;
  }
  adc.convert_in_place(partial, row_end - row_begin);
}

AnalogLayerReader::AnalogLayerReader(const TileGrid& grid, const AdcSpec& adc) : grid_(grid), adc_(adc) {}

void AnalogLayerReader::read(const SynapseArray& array, const float* x, float* out) {
  const size_t rows = array.rows(), cols = array.cols();
  driven_lines(x, 0, rows, driven_);
  const size_t tiles = grid_.row_tiles(rows);
  std::memset(out, 0, cols * sizeof(float));
  partial_.resize(cols);
  driven_per_tile_.assign(tiles, 0);
  for (size_t tile = 0; tile < tiles; ++tile) {
    const auto [begin, end] = spikes_in_row_tile(driven_, grid_, rows, tile);
    driven_per_tile_[tile] = static_cast<size_t>(end - begin);
    if (begin == end) continue;
    if (array.options().wire_r_ohm > 0) {
      for (size_t col = 0; col < cols; col += grid_.tile_cols)
        analog_tile_partial_sums(array, begin, end, x, col, std::min(cols, col + grid_.tile_cols), adc_,
                                 partial_.data() + col);
    } else {
      analog_tile_partial_sums(array, begin, end, x, 0, cols, adc_, partial_.data());
    }
    for (size_t j = 0; j < cols; ++j) out[j] += partial_[j];
  }
}

void AnalogLayerReader::read_transposed(const SynapseArray& array, const float* y, float* out) {
  const size_t rows = array.rows(), cols = array.cols();
  const size_t tiles = grid_.col_tiles(cols);
  std::memset(out, 0, rows * sizeof(float));
  partial_.resize(rows);
  driven_per_tile_.assign(tiles, 0);
  for (size_t tile = 0; tile < tiles; ++tile) {
    const size_t col_begin = tile * grid_.tile_cols, col_end = std::min(cols, col_begin + grid_.tile_cols);
    driven_lines(y, col_begin, col_end, driven_);
    driven_per_tile_[tile] = driven_.size();
    if (driven_.empty()) continue;
    // The row tiles stacked along this tile column convert their word lines on their own;
    // one pass over all rows computes the same numbers.
    analog_tile_transposed_sums(array, driven_.data(), driven_.data() + driven_.size(), y, 0, rows, adc_,
                                partial_.data());
    for (size_t i = 0; i < rows; ++i) out[i] += partial_[i];
  }
}

}  // namespace mx
