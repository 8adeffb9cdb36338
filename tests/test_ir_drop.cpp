// IR drop: the first-order model against an exact nodal solve of a small crossbar, a big tile
// reading below its ideal currents, and wires of 0 ohm leaving every read unchanged.
#include <gtest/gtest.h>

#include <cmath>

#include "device/synapse_array.h"
#include "xbar/ir_drop.h"
#include "xbar/tiled_read.h"

using namespace mx;

namespace {

// The exact currents of an R x C crossbar: word line i driven at x_i (volts) through one
// segment before its first cell, bit line j sunk to ground after its last cell; every
// segment r ohms. Nodal analysis, 2RC unknowns, Gaussian elimination with pivoting.
std::vector<double> exact_column_currents(const std::vector<double>& g, size_t rows, size_t cols,
                                          const std::vector<float>& x, double r) {
  const size_t n = 2 * rows * cols;
  auto a = [&](size_t i, size_t j) { return i * cols + j; };                 // word line node
  auto b = [&](size_t i, size_t j) { return rows * cols + i * cols + j; };   // bit line node
  std::vector<double> m(n * n, 0.0), rhs(n, 0.0);
  const double y = 1.0 / r;
  auto link = [&](size_t p, size_t q, double conductance) {
    m[p * n + p] += conductance, m[q * n + q] += conductance;
    m[p * n + q] -= conductance, m[q * n + p] -= conductance;
  };
  for (size_t i = 0; i < rows; ++i)
    for (size_t j = 0; j < cols; ++j) {
      link(a(i, j), b(i, j), g[i * cols + j]);
      if (j + 1 < cols) link(a(i, j), a(i, j + 1), y);
      if (i + 1 < rows) link(b(i, j), b(i + 1, j), y);
    }
  for (size_t i = 0; i < rows; ++i) m[a(i, 0) * n + a(i, 0)] += y, rhs[a(i, 0)] += y * x[i];
  for (size_t j = 0; j < cols; ++j) m[b(rows - 1, j) * n + b(rows - 1, j)] += y;
  for (size_t k = 0; k < n; ++k) {
    size_t pivot = k;
    for (size_t i = k + 1; i < n; ++i)
      if (std::abs(m[i * n + k]) > std::abs(m[pivot * n + k])) pivot = i;
    if (pivot != k) {
      for (size_t c = 0; c < n; ++c) std::swap(m[k * n + c], m[pivot * n + c]);
      std::swap(rhs[k], rhs[pivot]);
    }
    for (size_t i = k + 1; i < n; ++i) {
      const double f = m[i * n + k] / m[k * n + k];
      if (f == 0) continue;
      for (size_t c = k; c < n; ++c) m[i * n + c] -= f * m[k * n + c];
      rhs[i] -= f * rhs[k];
    }
  }
  std::vector<double> v(n);
  for (size_t k = n; k-- > 0;) {
    double s = rhs[k];
    for (size_t c = k + 1; c < n; ++c) s -= m[k * n + c] * v[c];
    v[k] = s / m[k * n + k];
  }
  std::vector<double> current(cols);
  for (size_t j = 0; j < cols; ++j) current[j] = v[b(rows - 1, j)] * y;
  return current;
}

// The largest error of the first-order loss relative to the exact loss, over the columns.
double first_order_error(size_t n, double r, uint64_t seed) {
  Rng rng(seed);
  std::vector<double> g(n * n);
  for (double& v : g) v = (10 + 90 * rng.uniform()) * 1e-6;
  std::vector<float> x(n);
  for (size_t i = 0; i < n; ++i) x[i] = i % 3 == 1 ? 0.0f : 1.0f;  // some rows idle
  std::vector<uint32_t> q(n), u(n);
  for (size_t k = 0; k < n; ++k) q[k] = static_cast<uint32_t>(k + 1), u[k] = static_cast<uint32_t>(n - k);
  std::vector<double> loss, scratch;
  ir_drop_loss(g, n, n, x.data(), q, u, r, loss, scratch);
  const std::vector<double> exact = exact_column_currents(g, n, n, x, r);
  double worst = 0;
  for (size_t j = 0; j < n; ++j) {
    double ideal = 0;
    for (size_t i = 0; i < n; ++i) ideal += x[i] * g[i * n + j];
    const double exact_loss = ideal - exact[j];
    EXPECT_GT(exact_loss, 0);
    worst = std::max(worst, std::abs(loss[j] - exact_loss) / exact_loss);
  }
  return worst;
}

}  // namespace

// r·G_max·N² is the small parameter: 0.0064 at 8x8 and 1 ohm, 0.1 at 32x32 and 1 ohm.
TEST(IrDrop, FirstOrderMatchesTheExactNodalSolve) {
  EXPECT_LT(first_order_error(8, 1.0, 1), 0.01);
  EXPECT_LT(first_order_error(16, 1.0, 2), 0.03);
  EXPECT_LT(first_order_error(32, 1.0, 3), 0.10);
}

TEST(IrDrop, ABigTileReadsBelowItsIdealCurrents) {
  const LevelTable table = LevelTable::generate(16, 10, 100, 0.05, true);
  DeviceOptions ideal;
  ideal.n_mem = 1;
  ideal.tile_rows = ideal.tile_cols = 256;
  DeviceOptions wired = ideal;
  wired.wire_r_ohm = 1.0;
  Rng init_a(9), init_b(9);
  SynapseArray a(256, 256, table, ideal, init_a), b(256, 256, table, wired, init_b);
  ASSERT_EQ(a.weights(), b.weights());
  std::vector<uint32_t> rows(256);
  for (uint32_t i = 0; i < 256; ++i) rows[i] = i;
  std::vector<float> clean(256), dropped(256);
  const Adc adc{AdcSpec{}};
  tile_partial_sums(a, rows.data(), rows.data() + 256, 0, 256, adc, clean.data());
  tile_partial_sums(b, rows.data(), rows.data() + 256, 0, 256, adc, dropped.data());
  double worst = 0;
  for (size_t j = 0; j < 256; ++j) {
    EXPECT_LT(dropped[j], clean[j]) << j;
    worst = std::max(worst, static_cast<double>(clean[j] - dropped[j]));
  }
  EXPECT_GT(worst, 1.0);  // a 256-row tile at 1 ohm per segment loses a visible share
  // The far corner (last column, first row) loses more than the near one.
  std::vector<uint32_t> first = {0}, last = {255};
  std::vector<float> far_clean(256), far(256), near_clean(256), near(256);
  tile_partial_sums(a, first.data(), first.data() + 1, 0, 256, adc, far_clean.data());
  tile_partial_sums(b, first.data(), first.data() + 1, 0, 256, adc, far.data());
  tile_partial_sums(a, last.data(), last.data() + 1, 0, 256, adc, near_clean.data());
  tile_partial_sums(b, last.data(), last.data() + 1, 0, 256, adc, near.data());
  EXPECT_GT(far_clean[255] - far[255], near_clean[0] - near[0]);
}

TEST(IrDrop, ZeroOhmWiresLeaveTheReadUnchanged) {
  const LevelTable table = LevelTable::generate(16, 10, 100, 0.05, true);
  DeviceOptions options;
  options.n_mem = 2;
  options.tile_rows = 50;
  options.tile_cols = 40;
  Rng init(4);
  SynapseArray array(100, 90, table, options, init);
  TiledLayerReader reader(TileGrid{50, 40}, AdcSpec{});
  std::vector<uint32_t> active = {1, 7, 49, 50, 77, 99};
  std::vector<float> out(90);
  reader.read(array, active, out.data());
  for (size_t j = 0; j < 90; ++j) {
    float low = 0, high = 0;
    for (uint32_t row : active) (row < 50 ? low : high) += array.weight(row, j);
    EXPECT_EQ(out[j], low + high) << j;
  }
}
