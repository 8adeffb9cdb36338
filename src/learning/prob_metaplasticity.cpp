#include "learning/prob_metaplasticity.h"

#include <cmath>

namespace mx {

namespace {
// 101 and 111 are the gate generators' streams (gate_bank.cpp).
enum StreamTag : uint64_t { kReadStream = 102, kShuffleStream = 103 };
}

ProbMetaplasticity::ProbMetaplasticity(const ProbMetaParams& params, size_t inputs, size_t hidden, size_t outputs,
                                       uint64_t seed)
    : params_(params),
      gates_(params.gate, seed, params.gate_per_tile, params.grid, params.rows, params.cols),
      read_rng_(derive_seed(seed, kReadStream)) {
  const size_t pre[2] = {inputs, hidden}, post[2] = {hidden, outputs};
  for (unsigned layer = 0; layer < 2; ++layer) {
    meta_.push_back(std::make_unique<MetaplasticState>(pre[layer], post[layer], params_.meta[layer], params_.state));
    if (params_.ablation == Ablation::random_consolidation) {
      Rng rng(derive_seed(seed, kShuffleStream + layer));
      shuffled_[layer].resize(pre[layer] * post[layer]);
      for (size_t s = 0; s < shuffled_[layer].size(); ++s) shuffled_[layer][s] = static_cast<uint32_t>(s);
      shuffle(shuffled_[layer], rng);
    }
  }
  // The decaying ablation draws per synapse by definition; `none` has no gate at all.
  if (params_.ablation == Ablation::decaying) params_.draw_policy = DrawPolicy::synapse;
  tallies_m_reads_ = params_.ablation == Ablation::random_consolidation;
}

void ProbMetaplasticity::draw(UpdateGate& gate, unsigned layer, uint32_t pre, uint32_t post) {
  gate.draw();
  ++activity_.rng_draws;
  if (tracking_tiles()) ++tile_work_[layer][tile_of(layer, pre, post)].draws;
}

std::string ProbMetaplasticity::name() const {
  if (!params_.consolidate) return "none";
  switch (params_.ablation) {
    case Ablation::decaying: return "prob_meta/decaying";
    case Ablation::random_consolidation: return "prob_meta/random_consolidation";
    case Ablation::none: break;
  }
  return "prob_meta";
}

void ProbMetaplasticity::begin_task(size_t task_index) {
  if (params_.ablation == Ablation::decaying && task_index > 0) global_p_ /= params_.decay_divisor;
}

double ProbMetaplasticity::p_update(unsigned layer, const SynapseArray& array, uint32_t pre, uint32_t post) {
  if (params_.ablation == Ablation::decaying) return global_p_;
  if (params_.ablation == Ablation::random_consolidation) {
    const uint32_t source = shuffled_[layer][pre * array.cols() + post];
    pre = static_cast<uint32_t>(source / array.cols());
    post = static_cast<uint32_t>(source % array.cols());
  }
  const float m = meta_[layer]->read(pre, post);
  ++activity_.m_reads;
  if (tallies_m_reads_ && tracking_tiles()) ++tile_work_[layer][home_tile_of(layer, pre, post)].m_reads;
  if (m == 0.0f) return 1.0;  // exp(-0 |W|): no read of W is needed
  ++activity_.weight_reads;
  if (tracking_tiles()) ++tile_work_[layer][tile_of(layer, pre, post)].weight_reads;
  const float w = array.read_weight(pre, post, read_rng_);
  return std::exp(-static_cast<double>(m) * std::fabs(static_cast<double>(w)));
}

void ProbMetaplasticity::on_step(const LayerStep& step, WriteBatch& batch) {
  batch.moves.clear();
  const std::vector<uint32_t>& pre_spikes = *step.pre_spikes;
  if (pre_spikes.empty()) return;
  const EligibilityParams& e = params_.eligibility[step.layer];
  const size_t posts = step.array->cols();
  eligible_.clear();
  for (size_t j = 0; j < posts; ++j) {
    const float current = step.post_current[j];
    if (std::fabs(step.u[j]) > e.u_th && current > e.i_min && current < e.i_max) {
      eligible_.push_back(static_cast<uint32_t>(j));
      note_eligible(step.layer, static_cast<uint32_t>(j));
    }
  }
  if (eligible_.empty()) return;
  ++activity_.update_events;
  activity_.eligible_posts += eligible_.size();
  activity_.candidates += eligible_.size() * pre_spikes.size();

  const bool gated = params_.consolidate;
  const unsigned layer = step.layer;
  const DrawPolicy policy = params_.draw_policy;
  const bool per_tile = params_.gate_per_tile;
  // The rule's one generator draws where the policy says; a tile's generator draws the
  // first time one of its candidates needs a number within the policy's scope.
  if (per_tile) drawn_.assign(gates_.size(), 0);
  if (gated && !per_tile && policy == DrawPolicy::layer) draw(gates_.at(0), layer, pre_spikes.front(), eligible_.front());
  for (uint32_t j : eligible_) {
    // The weight moves against the error: U > 0 (false positives) lowers it.
    const int8_t direction = step.u[j] > 0 ? -1 : 1;
    step.u[j] = 0.0f;
    if (gated && policy == DrawPolicy::post) {
      if (per_tile) std::fill(drawn_.begin(), drawn_.end(), 0);
      else draw(gates_.at(0), layer, pre_spikes.front(), j);
    }
    for (uint32_t i : pre_spikes) {
      if (gated) {
        const size_t site = gates_.index_of(layer, i, j);
        UpdateGate& gate = gates_.at(site);
        if (policy == DrawPolicy::synapse) {
          draw(gate, layer, i, j);
        } else if (per_tile) {
          uint8_t& drawn = drawn_[site];
          if (!drawn) draw(gate, layer, i, j), drawn = 1;
        }
        ++activity_.p_evaluations;
        if (!gate.passes(p_update(layer, *step.array, i, j))) continue;
      }
      batch.moves.push_back({i, j, direction});
    }
  }
  finish_batch(*step.array, batch);
}

void ProbMetaplasticity::end_sample(unsigned layer, const std::vector<float>& pre_trace,
                                    const std::vector<uint32_t>& pre_active, const std::vector<float>& post_trace,
                                    const std::vector<uint32_t>& post_active) {
  if (!params_.consolidate || params_.ablation == Ablation::decaying) return;
  const size_t written = meta_[layer]->grow(pre_trace, pre_active, post_trace, post_active);
  activity_.m_reads += written;
  activity_.m_writes += written;
}

}  // namespace mx
