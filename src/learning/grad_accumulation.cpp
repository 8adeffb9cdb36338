#include "learning/grad_accumulation.h"

#include <algorithm>
#include <cmath>

#include "common/vectorize.h"

namespace mx {

GradientAccumulation::GradientAccumulation(const GradAccParams& params, size_t inputs, size_t hidden, size_t outputs)
    : params_(params) {
  const size_t pre[2] = {inputs, hidden};
  posts_[0] = hidden, posts_[1] = outputs;
  for (unsigned layer = 0; layer < 2; ++layer) {
    meta_.push_back(std::make_unique<MetaplasticState>(pre[layer], posts_[layer], params_.meta[layer], params_.state));
    accumulator_[layer] = std::make_unique<SlicedState>(pre[layer], posts_[layer], 1, 1, params_.state, 0.0f);
    row_touched_[layer].assign(pre[layer], 0);
    p_cache_[layer].assign(pre[layer] * posts_[layer], 1.0f);  // m starts at 0
  }
}

void GradientAccumulation::refresh_p(unsigned layer, uint32_t pre, uint32_t post) {
  const float m = meta_[layer]->m(pre, post);
  const float w = arrays_[layer]->weight(pre, post);
  p_cache_[layer][pre * posts_[layer] + post] =
      static_cast<float>(std::exp(-static_cast<double>(m) * std::fabs(static_cast<double>(w))));
}

namespace {

// a += c * p over a row of synapses, dense and branch-free so it vectorises; true when
// some |a| reached the threshold.
MX_VECTOR_CLONES
bool accumulate_row(float* __restrict a, const float* __restrict c, const float* __restrict p, size_t n,
                    float threshold) {
  int crossed = 0;
  for (size_t j = 0; j < n; ++j) {
    a[j] += c[j] * p[j];
    crossed |= std::fabs(a[j]) >= threshold;
  }
  return crossed != 0;
}

}  // namespace

void GradientAccumulation::on_step(const LayerStep& step, WriteBatch& batch) {
  batch.moves.clear();
  const std::vector<uint32_t>& pre_spikes = *step.pre_spikes;
  if (pre_spikes.empty()) return;
  const unsigned layer = step.layer;
  const EligibilityParams& e = params_.eligibility[layer];
  const size_t posts = posts_[layer];
  coefficient_.assign(posts, 0.0f);
  SlicedState& acc = *accumulator_[layer];
  MetaplasticState& meta = *meta_[layer];
  eligible_acc_.assign(acc.col_slices(), 0);
  eligible_m_.assign(meta.store().col_slices(), 0);
  size_t eligible = 0;
  for (size_t j = 0; j < posts; ++j) {
    const float current = step.post_current[j];
    if (std::fabs(step.u[j]) > e.u_th && current > e.i_min && current < e.i_max) {
      coefficient_[j] = -params_.lr[layer] * step.u[j];
      ++eligible;
      ++eligible_acc_[acc.col_slice_of(j)];
      ++eligible_m_[meta.col_slice_of(j)];
      note_eligible(layer, static_cast<uint32_t>(j));
    }
  }
  if (eligible == 0) return;
  ++activity_.update_events;
  activity_.eligible_posts += eligible;
  activity_.candidates += eligible * pre_spikes.size();
  activity_.acc_updates += eligible * pre_spikes.size();
  activity_.m_reads += eligible * pre_spikes.size();

  const float threshold = params_.a_th[layer];
  const float* p_row = p_cache_[layer].data();
  for (uint32_t i : pre_spikes) {
    if (!row_touched_[layer][i]) row_touched_[layer][i] = 1, touched_[layer].push_back(i);
    meta.count_reads(i, eligible_m_.data());
    for (size_t c = 0; c < acc.col_slices(); ++c) {
      const SlicedState::Span& span = acc.span(i, c);
      const size_t lo = acc.col_begin(c), n = acc.col_end(c) - lo;
      span.slice->reads += eligible_acc_[c];
      span.slice->writes += eligible_acc_[c];
      float* a = span.cells;
      // Crossings are rare and found in a second pass.
      if (!accumulate_row(a, coefficient_.data() + lo, p_row + i * posts + lo, n, threshold)) continue;
      for (size_t j = 0; j < n; ++j)
        if (std::fabs(a[j]) >= threshold) {
          batch.moves.push_back({i, static_cast<uint32_t>(lo + j), static_cast<int8_t>(a[j] > 0 ? 1 : -1)});
          a[j] = 0.0f;
        }
    }
  }
  if (batch.moves.empty()) return;
  // The scripts program device counter % n_mem and then advance the counter, so the first
  // crossing of a run writes device 0 (the shared round-robin helper starts at device 1).
  batch.device = static_cast<unsigned>(next_device_[layer]++ % step.array->n_mem());
}

void GradientAccumulation::after_program(const SynapseArray& array, const WriteBatch& batch) {
  for (const WriteMove& move : batch.moves) refresh_p(batch.layer, move.pre, move.post);
}

void GradientAccumulation::end_sample(unsigned layer, const std::vector<float>& pre_trace,
                                      const std::vector<uint32_t>& pre_active, const std::vector<float>& post_trace,
                                      const std::vector<uint32_t>& post_active) {
  // The next sample starts from fresh accumulators, as the scripts recreate them per sample.
  SlicedState& acc = *accumulator_[layer];
  for (uint32_t i : touched_[layer]) {
    for (size_t c = 0; c < acc.col_slices(); ++c) std::fill_n(acc.span(i, c).cells, acc.col_end(c) - acc.col_begin(c), 0.0f);
    row_touched_[layer][i] = 0;
  }
  touched_[layer].clear();
  MetaplasticState& meta = *meta_[layer];
  const size_t written = meta.grow(pre_trace, pre_active, post_trace, post_active);
  activity_.m_reads += written;
  activity_.m_writes += written;
  for (uint32_t i : meta.last_pre())
    for (uint32_t j : meta.last_post()) refresh_p(layer, i, j);
}

}  // namespace mx
