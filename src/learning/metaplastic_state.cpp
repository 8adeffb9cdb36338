#include "learning/metaplastic_state.h"

#include <algorithm>

#include "common/error.h"

namespace mx {

MSharing parse_m_sharing(const std::string& name) {
  if (name == "synapse") return MSharing::synapse;
  if (name == "post") return MSharing::post;
  if (name == "layer") return MSharing::layer;
  if (name == "module") return MSharing::module;
  throw Error("rule.m_sharing: expected synapse | post | layer | module, got \"" + name + "\"");
}

namespace {
size_t pre_block_of(size_t pre, const MetaplasticParams& params) {
  switch (params.sharing) {
    case MSharing::synapse: return 1;
    case MSharing::post:
    case MSharing::layer: return std::max<size_t>(1, pre);
    case MSharing::module: return std::max<size_t>(1, params.module_pre);
  }
  return 1;
}
size_t post_block_of(size_t post, const MetaplasticParams& params) {
  return params.sharing == MSharing::layer ? std::max<size_t>(1, post) : 1;
}
}  // namespace

MetaplasticState::MetaplasticState(size_t pre, size_t post, const MetaplasticParams& params,
                                   const StateLayout& layout)
    : params_(params),
      pre_(pre),
      post_(post),
      pre_block_(pre_block_of(pre, params)),
      post_block_(post_block_of(post, params)),
      cells_(pre, post, pre_block_, post_block_, layout, 0.0f),
      grown_(cells_.row_tiles() * cells_.col_tiles(), 0) {}

void MetaplasticState::count_reads(size_t pre, const uint64_t* per_col_slice) {
  const size_t a = pre / pre_block_;
  for (size_t c = 0; c < cells_.col_slices(); ++c) cells_.span(a, c).slice->reads += per_col_slice[c];
}

namespace {

// Blocks whose mean trace exceeds `threshold`; with blocks of one neuron, only neurons with
// a non-zero trace can pass, so only those are visited.
void passing_blocks(const std::vector<float>& trace, const std::vector<uint32_t>& active, size_t n,
                    size_t block, float threshold, std::vector<uint32_t>& out) {
  out.clear();
  if (block == 1) {
    for (uint32_t i : active)
      if (trace[i] > threshold) out.push_back(i);
    std::sort(out.begin(), out.end());
    return;
  }
  for (size_t start = 0; start < n; start += block) {
    const size_t end = std::min(n, start + block);
    float sum = 0;
    for (size_t i = start; i < end; ++i) sum += trace[i];
    if (sum / static_cast<float>(end - start) > threshold) out.push_back(static_cast<uint32_t>(start / block));
  }
}

void expand_blocks(const std::vector<uint32_t>& blocks, size_t block, size_t n, std::vector<uint32_t>& out) {
  out.clear();
  for (uint32_t b : blocks)
    for (size_t i = b * block; i < std::min(n, (b + 1) * block); ++i) out.push_back(static_cast<uint32_t>(i));
}

}  // namespace

size_t MetaplasticState::grow(const std::vector<float>& pre_trace, const std::vector<uint32_t>& pre_active,
                              const std::vector<float>& post_trace, const std::vector<uint32_t>& post_active) {
  passing_blocks(pre_trace, pre_active, pre_, pre_block_, params_.th_pre, scratch_pre_);
  passing_blocks(post_trace, post_active, post_, post_block_, params_.th_post, scratch_post_);
  // Each grown cell is read and written back in its home slice; the slices count a run of
  // cells in one column slice at once.
  for (uint32_t a : scratch_pre_)
    for (size_t k = 0; k < scratch_post_.size();) {
      const size_t c = cells_.col_slice_of(scratch_post_[k]), end = cells_.col_end(c), start = k;
      const SlicedState::Span& span = cells_.span(a, c);
      for (; k < scratch_post_.size() && scratch_post_[k] < end; ++k) {
        float& cell = span.cells[scratch_post_[k] - span.first];
        cell = std::min(params_.m_max, cell + params_.dm);
      }
      span.slice->reads += k - start;
      span.slice->writes += k - start;
    }
  const size_t written = scratch_pre_.size() * scratch_post_.size();
  // What each home tile's SRAM is asked for: passing cell rows x passing cell columns per home.
  if (written) {
    rows_per_home_.assign(cells_.row_tiles(), 0);
    cols_per_home_.assign(cells_.col_tiles(), 0);
    for (uint32_t a : scratch_pre_) ++rows_per_home_[cells_.home_row_tile(a)];
    for (uint32_t b : scratch_post_) ++cols_per_home_[cells_.home_col_tile(b)];
    const size_t col_tiles = cols_per_home_.size();
    for (size_t r = 0; r < rows_per_home_.size(); ++r)
      for (size_t c = 0; c < col_tiles; ++c) grown_[r * col_tiles + c] += rows_per_home_[r] * cols_per_home_[c];
  }
  expand_blocks(scratch_pre_, pre_block_, pre_, last_pre_);
  expand_blocks(scratch_post_, post_block_, post_, last_post_);
  return written;
}

}  // namespace mx
