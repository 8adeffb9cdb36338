#pragma once
// One layer's learning state (the metaplasticity cells m, or grad_acc's accumulators) kept
// in the slices the chip's SRAMs hold. The state is a grid of cells; a cell covers a block
// of synapses (one synapse, or a shared m's block) and lives in ONE slice: the slice of its
// home tile, the tile of its first synapse (its lowest pre, lowest post). Split per tile
// (chip.controllers = "tile") the store has one slice per tile of the layer, row tile major
// (a tile no cell calls home has an empty slice); otherwise one slice holds the layer.
//
// The rule reads and writes the cells through the store in both modes; in the timed mode
// each slice is lent to the SRAM block that models it (release / restore, as GateBank lends
// its generators) and the store keeps reaching the cells through pointers into it. Each
// slice counts the word reads and writes it sees, once per call (a call may cover a run of
// words), so a block can check it was sent what its slice served.
#include <cstdint>
#include <memory>
#include <vector>

#include "common/lending.h"
#include "xbar/tiled_read.h"

namespace mx {

// How a rule's state is laid out: the chip's tile grid (home tiles) and whether each tile's
// cells are a slice of their own (chip.controllers = "tile").
struct StateLayout {
  TileGrid grid;
  bool per_tile = false;
};

struct StateSlice {
  std::vector<float> words;  // its cells, row-major over its rectangle of cells
  uint64_t reads = 0, writes = 0;
  uint64_t accesses() const { return reads + writes; }
};

class SlicedState {
 public:
  // `rows` x `cols` synapses in cells of `pre_block` x `post_block`; `grid` is the chip's tile
  // grid, which decides the home tiles (also when one slice holds everything).
  SlicedState(size_t rows, size_t cols, size_t pre_block, size_t post_block, const StateLayout& layout,
              float initial);

  size_t cell_rows() const { return cell_rows_; }
  size_t cell_cols() const { return cell_cols_; }
  size_t cell_count() const { return cell_rows_ * cell_cols_; }
  size_t slices() const { return slices_.size(); }
  // A cell's home tile within the layer (row tile major), split into its row and column part.
  size_t home_row_tile(size_t cell_row) const { return home_row_[cell_row]; }
  size_t home_col_tile(size_t cell_col) const { return home_col_[cell_col]; }
  size_t row_tiles() const { return row_tiles_; }
  size_t col_tiles() const { return col_tiles_; }

  // The cells of cell row `a` that column slice `c` holds: cell column b is cells[b - first].
  struct Span {
    float* cells;
    size_t first;
    StateSlice* slice;
  };
  size_t col_slices() const { return col_slices_; }
  size_t col_slice_of(size_t cell_col) const { return col_slice_[cell_col]; }
  // The columns [begin, end) of column slice `c`.
  size_t col_begin(size_t c) const { return col_cut_[c]; }
  size_t col_end(size_t c) const { return col_cut_[c + 1]; }
  const Span& span(size_t a, size_t c) const { return spans_[a * col_slices_ + c]; }
  // The span holding cell (a, b); a store in one column slice skips the lookup.
  const Span& span_of(size_t a, size_t b) const {
    return col_slices_ == 1 ? spans_[a] : spans_[a * col_slices_ + col_slice_[b]];
  }

  // One counted word read; the uncounted peek is for reports and the kernels' caches.
  float read(size_t a, size_t b) {
    const Span& s = span_of(a, b);
    ++s.slice->reads;
    return s.cells[b - s.first];
  }
  float peek(size_t a, size_t b) const {
    const Span& s = span_of(a, b);
    return s.cells[b - s.first];
  }

  // Hands slice `index` to the SRAM block that models it; the store keeps working on it
  // until the block gives it back, when the chip is torn down.
  std::unique_ptr<StateSlice> release(size_t index) { return slices_.release(index); }
  void restore(size_t index, std::unique_ptr<StateSlice> slice) { slices_.restore(index, std::move(slice)); }
  const StateSlice& slice(size_t index) const { return slices_[index]; }

 private:
  size_t cell_rows_, cell_cols_, row_tiles_, col_tiles_, col_slices_;
  std::vector<uint32_t> home_row_, home_col_, col_slice_;
  std::vector<size_t> col_cut_;
  Lendable<StateSlice> slices_{"state store", "slice"};
  std::vector<Span> spans_;  // cell row x column slice
};

}  // namespace mx
