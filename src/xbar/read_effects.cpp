#include "xbar/read_effects.h"

#include <algorithm>
#include <vector>

#include "xbar/ir_drop.h"

namespace mx {

namespace {

struct Scratch {
  std::vector<double> g, loss, work;
  std::vector<float> drive, row;
  std::vector<uint32_t> q, u;
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

}  // namespace

void effects_partial_sums(const SynapseArray& array, const uint32_t* rows_begin, const uint32_t* rows_end,
                          const float* x, size_t col_begin, size_t col_end, float* sum) {
  std::fill(sum, sum + (col_end - col_begin), 0.0f);
  const size_t n = static_cast<size_t>(rows_end - rows_begin);
  if (n == 0) return;
  const DeviceOptions& o = array.options();
  Scratch& s = scratch();
  s.drive.resize(n);
  for (size_t d = 0; d < n; ++d) s.drive[d] = x ? x[rows_begin[d]] : 1.0f;
  const bool ir = o.wire_r_ohm > 0, noisy = o.read_noise > 0;
  if (ir) {
    const size_t tile_begin = rows_begin[0] / o.tile_rows * o.tile_rows;
    const size_t tile_rows = std::min(o.tile_rows, array.rows() - tile_begin);
    s.u.resize(n);
    for (size_t d = 0; d < n; ++d) s.u[d] = static_cast<uint32_t>(tile_rows - (rows_begin[d] - tile_begin));
  }
  // One physical tile's columns at a time: IR drop runs along each tile's own word lines.
  for (size_t begin = col_begin, end; begin < col_end; begin = end) {
    end = std::min(col_end, (begin / o.tile_cols + 1) * o.tile_cols);
    const size_t width = end - begin;
    float* out = sum + (begin - col_begin);
    s.g.resize(n * width);
    s.row.resize(width);
    const double offset = array.r_f() / array.r_b(), inverse_r_f = 1.0 / array.r_f();
    for (size_t d = 0; d < n; ++d) {
      const float drive = s.drive[d];
      const float* w = array.weight_row(rows_begin[d]) + begin;
      if (noisy) {
        for (size_t j = 0; j < width; ++j) s.row[j] = array.inference_weight(rows_begin[d], begin + j);
        w = s.row.data();
      }
      double* g = &s.g[d * width];
      for (size_t j = 0; j < width; ++j) {
        out[j] += drive * w[j];
        g[j] = (w[j] + offset) * inverse_r_f;
      }
      if (noisy)
        for (size_t j = 0; j < width; ++j) array.tally_synapse(g[j], drive);
    }
    if (!noisy) array.tally_rows(rows_begin, rows_end, x, begin, end);
    if (!ir) continue;
    s.q.resize(width);
    for (size_t j = 0; j < width; ++j) s.q[j] = static_cast<uint32_t>((begin + j) % o.tile_cols + 1);
    ir_drop_loss(s.g, n, width, s.drive.data(), s.q, s.u, o.wire_r_ohm, s.loss, s.work);
    for (size_t j = 0; j < width; ++j) out[j] -= static_cast<float>(array.r_f() * s.loss[j]);
  }
}

void effects_transposed_sums(const SynapseArray& array, const uint32_t* cols_begin, const uint32_t* cols_end,
                             const float* y, size_t row_begin, size_t row_end, float* sum) {
  std::fill(sum, sum + (row_end - row_begin), 0.0f);
  const size_t n = static_cast<size_t>(cols_end - cols_begin);
  if (n == 0) return;
  const DeviceOptions& o = array.options();
  Scratch& s = scratch();
  s.drive.resize(n);
  for (size_t d = 0; d < n; ++d) s.drive[d] = y[cols_begin[d]];
  const bool ir = o.wire_r_ohm > 0;
  if (ir) {
    // The bit lines are driven from the column periphery; the word lines sense at the row
    // periphery, at column 0 of the tile.
    s.u.resize(n);
    for (size_t d = 0; d < n; ++d) s.u[d] = static_cast<uint32_t>(cols_begin[d] % o.tile_cols + 1);
  }
  for (size_t begin = row_begin, end; begin < row_end; begin = end) {
    const size_t tile_begin = begin / o.tile_rows * o.tile_rows;
    end = std::min(row_end, tile_begin + o.tile_rows);
    const size_t height = end - begin;
    float* out = sum + (begin - row_begin);
    s.g.resize(n * height);
    for (size_t i = 0; i < height; ++i) {
      float acc = 0.0f;
      for (size_t d = 0; d < n; ++d) {
        const float w = array.inference_weight(begin + i, cols_begin[d]);
        acc += w * s.drive[d];
        const double g = array.conductance_of_weight(w);
        s.g[d * height + i] = g;
        array.tally_synapse(g, s.drive[d]);
      }
      out[i] = acc;
    }
    if (!ir) continue;
    const size_t tile_rows = std::min(o.tile_rows, array.rows() - tile_begin);
    s.q.resize(height);
    for (size_t i = 0; i < height; ++i) s.q[i] = static_cast<uint32_t>(tile_rows - (begin + i - tile_begin));
    ir_drop_loss(s.g, n, height, s.drive.data(), s.q, s.u, o.wire_r_ohm, s.loss, s.work);
    for (size_t i = 0; i < height; ++i) out[i] -= static_cast<float>(array.r_f() * s.loss[i]);
  }
}

}  // namespace mx
