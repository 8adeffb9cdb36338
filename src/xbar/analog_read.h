#pragma once
// The read path of a crossbar layer driven by multi-bit inputs (System B, SPEC §2): the row
// drivers put a DAC level x_i on every word line, each bit line sums x_i·W_ij over the rows
// of its tile, the tile's ADCs convert those partial sums, and the converted sums of the row
// tiles are added digitally in row-tile order — the arithmetic of TiledLayerReader with an
// analog drive instead of a spike. A row driven at level 0 draws no current, so only the
// non-zero inputs are visited; an idle row tile contributes exactly 0.
//
// The transposed read drives the bit lines instead (one signed level per column) and senses
// the word lines: the backward pass of the perceptron computes W·δ with the same devices
// it used forward. Tiles then combine along the columns, in column-tile order.
#include <cstdint>
#include <vector>

#include "device/synapse_array.h"
#include "hw/converters.h"
#include "xbar/tiled_read.h"

namespace mx {

// The lines of a drive vector that carry a non-zero level, in order: only those are driven.
void driven_lines(const float* drive, size_t begin, size_t end, std::vector<uint32_t>& lines);

// What one tile computes: partial[j - col_begin] = ADC(sum over `rows` of x[row]·W[row][j])
// for j in [col_begin, col_end). `rows` lists the driven (non-zero) rows of the tile.
void analog_tile_partial_sums(const SynapseArray& array, const uint32_t* rows_begin, const uint32_t* rows_end,
                              const float* x, size_t col_begin, size_t col_end, const Adc& adc, float* partial);

// The transposed read of one tile: partial[i - row_begin] = ADC(sum over `cols` of W[i][col]·y[col])
// for i in [row_begin, row_end). `cols` lists the driven (non-zero) bit lines of the tile.
void analog_tile_transposed_sums(const SynapseArray& array, const uint32_t* cols_begin, const uint32_t* cols_end,
                                 const float* y, size_t row_begin, size_t row_end, const Adc& adc, float* partial);

class AnalogLayerReader {
 public:
  AnalogLayerReader(const TileGrid& grid, const AdcSpec& adc);

  // out[col] = sum over row tiles (in order) of ADC(sum of the tile's x_i·W_i,col);
  // x holds one drive level per row (already through the DAC).
  void read(const SynapseArray& array, const float* x, float* out);
  // out[row] = sum over column tiles (in order) of ADC(sum of the tile's W_row,j·y_j);
  // y holds one signed drive level per column.
  void read_transposed(const SynapseArray& array, const float* y, float* out);

  // Driven lines per tile of the last read (row tiles for read, column tiles for
  // read_transposed).
  const std::vector<size_t>& driven_per_tile() const { return driven_per_tile_; }
  const Adc& adc() const { return adc_; }
  const TileGrid& grid() const { return grid_; }

 private:
  TileGrid grid_;
  Adc adc_;
  std::vector<uint32_t> driven_;
  std::vector<float> partial_;
  std::vector<size_t> driven_per_tile_;
};

}  // namespace mx
