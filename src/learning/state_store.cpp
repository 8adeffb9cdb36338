#include "learning/state_store.h"

namespace mx {

namespace {
// cut[k]: the first cell whose home tile is k or later (homes grow with the cell index).
std::vector<size_t> cuts(const std::vector<uint32_t>& home, size_t parts) {
  std::vector<size_t> cut(parts + 1, home.size());
  for (size_t k = 0, i = 0; k < parts; ++k) {
    while (i < home.size() && home[i] < k) ++i;
    cut[k] = i;
  }
  return cut;
}
}  // namespace

SlicedState::SlicedState(size_t rows, size_t cols, size_t pre_block, size_t post_block, const StateLayout& layout,
                         float initial)
    : cell_rows_((rows + pre_block - 1) / pre_block),
      cell_cols_((cols + post_block - 1) / post_block),
      row_tiles_(layout.grid.row_tiles(rows)),
      col_tiles_(layout.grid.col_tiles(cols)) {
  const TileGrid& grid = layout.grid;
  const bool per_tile = layout.per_tile;
  for (size_t a = 0; a < cell_rows_; ++a) home_row_.push_back(static_cast<uint32_t>(a * pre_block / grid.tile_rows));
  for (size_t b = 0; b < cell_cols_; ++b) home_col_.push_back(static_cast<uint32_t>(b * post_block / grid.tile_cols));
  const size_t row_slices = per_tile ? row_tiles_ : 1;
  col_slices_ = per_tile ? col_tiles_ : 1;
  const std::vector<size_t> row_cut = per_tile ? cuts(home_row_, row_slices) : std::vector<size_t>{0, cell_rows_};
  col_cut_ = per_tile ? cuts(home_col_, col_slices_) : std::vector<size_t>{0, cell_cols_};
  col_slice_ = per_tile ? home_col_ : std::vector<uint32_t>(cell_cols_, 0);
  spans_.resize(cell_rows_ * col_slices_);
  for (size_t r = 0; r < row_slices; ++r)
    for (size_t c = 0; c < col_slices_; ++c) {
      const size_t width = col_cut_[c + 1] - col_cut_[c];
      auto slice = std::make_unique<StateSlice>();
      slice->words.assign((row_cut[r + 1] - row_cut[r]) * width, initial);
      for (size_t a = row_cut[r]; a < row_cut[r + 1]; ++a)
        spans_[a * col_slices_ + c] = {slice->words.data() + (a - row_cut[r]) * width, col_cut_[c], slice.get()};
      slices_.add(std::move(slice));
    }
}

}  // namespace mx
