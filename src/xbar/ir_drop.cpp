#include "xbar/ir_drop.h"

namespace mx {

namespace {

// out[k] = Σ_n w[n·stride] · min(a[k], a[n]) for a monotonic a, in O(n): the terms whose
// a[n] is at most a[k] lie on one side of k.
void min_weighted_sums(const double* w, size_t stride, const uint32_t* a, size_t n, double* out) {
  if (n == 0) return;
  const bool increasing = a[n - 1] >= a[0];
  // below: Σ w·a over the terms with smaller a; above: Σ w over the terms with larger a.
  double below = 0, above = 0;
  for (size_t i = 0; i < n; ++i) above += w[i * stride];
  if (increasing) {
    for (size_t k = 0; k < n; ++k) {
      const double wk = w[k * stride];
      below += wk * a[k];
      above -= wk;
      out[k] = below + static_cast<double>(a[k]) * above;
    }
  } else {
    for (size_t k = n; k-- > 0;) {
      const double wk = w[k * stride];
      below += wk * a[k];
      above -= wk;
      out[k] = below + static_cast<double>(a[k]) * above;
    }
  }
}

}  // namespace

void ir_drop_loss(const std::vector<double>& g, size_t n_drive, size_t n_sense, const float* x,
                  const std::vector<uint32_t>& q, const std::vector<uint32_t>& u, double r, std::vector<double>& loss,
                  std::vector<double>& scratch) {
  const size_t cells = n_drive * n_sense;
  scratch.assign(2 * cells + 2 * n_sense, 0.0);
  double* __restrict current = scratch.data();
  double* __restrict drop = current + cells;  // ΔV_drive + ΔV_sense per cell, in units of r
  double* __restrict weighted = drop + cells;  // per sense line: Σ I·u over the cells nearer the amplifier
  double* __restrict remaining = weighted + n_sense;  // per sense line: Σ I over the cells farther out
  for (size_t d = 0; d < n_drive; ++d) {
    const double* gd = &g[d * n_sense];
    double* id = current + d * n_sense;
    for (size_t s = 0; s < n_sense; ++s) {
      id[s] = x[d] * gd[s];
      remaining[s] += id[s];
    }
    min_weighted_sums(id, 1, q.data(), n_sense, drop + d * n_sense);
  }
  // The sense drops of every sense line at once, visiting the drive lines from the amplifier
  // outwards (u increasing): min(u_d, u_m) is u_m for the lines visited, u_d for the rest.
  const bool increasing = n_drive == 0 || u[n_drive - 1] >= u[0];
  for (size_t step = 0; step < n_drive; ++step) {
    const size_t d = increasing ? step : n_drive - 1 - step;
    const double ud = u[d];
    const double* id = current + d * n_sense;
    double* dd = drop + d * n_sense;
    for (size_t s = 0; s < n_sense; ++s) {
      weighted[s] += id[s] * ud;
      remaining[s] -= id[s];
      dd[s] += weighted[s] + ud * remaining[s];
    }
  }
  loss.assign(n_sense, 0.0);
  for (size_t d = 0; d < n_drive; ++d) {
    const double* gd = &g[d * n_sense];
    const double* dd = drop + d * n_sense;
    for (size_t s = 0; s < n_sense; ++s) loss[s] += gd[s] * dd[s];
  }
  for (size_t s = 0; s < n_sense; ++s) loss[s] *= r;
}

}  // namespace mx
