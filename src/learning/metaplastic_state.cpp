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

MetaplasticState::MetaplasticState(size_t pre, size_t post, const MetaplasticParams& params)
    : params_(params), pre_(pre), post_(post) {
  switch (params_.sharing) {
    case MSharing::synapse: pre_block_ = 1, post_block_ = 1; break;
    case MSharing::post: pre_block_ = pre, post_block_ = 1; break;
    case MSharing::layer: pre_block_ = pre, post_block_ = post; break;
    case MSharing::module: pre_block_ = std::max<size_t>(1, params_.module_pre), post_block_ = 1; break;
  }
  pre_blocks_ = (pre + pre_block_ - 1) / pre_block_;
  post_blocks_ = (post + post_block_ - 1) / post_block_;
  m_.assign(pre_blocks_ * post_blocks_, 0.0f);
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
  size_t written = 0;
  for (uint32_t a : scratch_pre_)
    for (uint32_t b : scratch_post_) {
      float& cell = m_[a * post_blocks_ + b];
      cell = std::min(params_.m_max, cell + params_.dm);
      ++written;
    }
  expand_blocks(scratch_pre_, pre_block_, pre_, last_pre_);
  expand_blocks(scratch_post_, post_block_, post_, last_post_);
  return written;
}

}  // namespace mx
