#include "learning/learning_rule.h"

#include <stdexcept>

#include "common/error.h"
#include "config/config.h"
#include "learning/grad_accumulation.h"
#include "learning/prob_metaplasticity.h"

namespace mx {

LearningActivity& LearningActivity::operator+=(const LearningActivity& o) {
  update_events += o.update_events;
  eligible_posts += o.eligible_posts;
  candidates += o.candidates;
  rng_draws += o.rng_draws;
  p_evaluations += o.p_evaluations;
  weight_reads += o.weight_reads;
  m_reads += o.m_reads;
  m_writes += o.m_writes;
  acc_updates += o.acc_updates;
  set_pulses += o.set_pulses;
  reset_pulses += o.reset_pulses;
  ineffective_pulses += o.ineffective_pulses;
  verify_reads += o.verify_reads;
  verify_failures += o.verify_failures;
  return *this;
}

ProgramOutcome apply_pulse(SynapseArray& array, const WriteMove& move, unsigned device, const WriteVerify& verify,
                           Rng& device_rng, LearningActivity& activity) {
  ProgramOutcome outcome;
  if (verify.on) {
    outcome = verified_write(array, move.pre, move.post, device, move.direction, verify, device_rng);
    activity.verify_reads += outcome.verify_reads;
    activity.verify_failures += !outcome.verified;
  } else {
    const PulseResult result = array.program(move.pre, move.post, device, move.direction, device_rng);
    (result.set ? outcome.set_pulses : outcome.reset_pulses) = 1;
    outcome.ineffective_pulses = !result.applied;
  }
  activity.set_pulses += outcome.set_pulses;
  activity.reset_pulses += outcome.reset_pulses;
  activity.ineffective_pulses += outcome.ineffective_pulses;
  return outcome;
}

void program_batch(SynapseArray& array, const WriteBatch& batch, const WriteVerify& verify, Rng& device_rng,
                   LearningActivity& activity) {
  for (const WriteMove& move : batch.moves) apply_pulse(array, move, batch.device, verify, device_rng, activity);
}

void LearningRule::track_tiles(const TileGrid& grid, const size_t rows[2], const size_t cols[2]) {
  tracking_ = true;
  grid_ = grid;
  for (unsigned layer = 0; layer < 2; ++layer) {
    row_tiles_[layer] = grid.row_tiles(rows[layer]);
    col_tiles_[layer] = grid.col_tiles(cols[layer]);
    tile_work_[layer].assign(row_tiles_[layer] * col_tiles_[layer], TileWork{});
    if (layer < meta_.size() && (meta_[layer]->store().row_tiles() != row_tiles_[layer] ||
                                 meta_[layer]->store().col_tiles() != col_tiles_[layer]))
      throw Error(name() + ": the rule's m is laid out on another tile grid than the chip's");
  }
}

void LearningRule::step(const LayerStep& layer_step, WriteBatch& batch) {
  const unsigned layer = layer_step.layer;
  eligible_posts_[layer].clear();
  if (!tracking_) {
    on_step(layer_step, batch);
    return;
  }
  std::vector<TileWork>& work = tile_work_[layer];
  for (TileWork& tile : work) tile = TileWork{};
  const LearningActivity before = activity_;
  on_step(layer_step, batch);
  // Every candidate of an eligible post x a spiking pre lies in one tile: the counts per
  // tile are products of the spikes per row tile and the eligible posts per column tile.
  const uint64_t candidates = activity_.candidates - before.candidates;
  if (!candidates) return;
  pre_per_row_tile_.assign(row_tiles_[layer], 0);
  eligible_per_col_tile_.assign(col_tiles_[layer], 0);
  for (uint32_t i : *layer_step.pre_spikes) ++pre_per_row_tile_[i / grid_.tile_rows];
  for (uint32_t j : eligible_posts_[layer]) ++eligible_per_col_tile_[j / grid_.tile_cols];
  // The per-candidate counters (p lookups, m reads, accumulator updates) touch every
  // candidate or none, so each tile gets its share of candidates.
  auto share = [&](uint64_t total, uint64_t part) -> uint64_t {
    if (total != 0 && total != candidates)
      throw std::logic_error(name() + ": a per-candidate count that is neither every candidate nor none");
    return total ? part : 0;
  };
  for (size_t r = 0; r < row_tiles_[layer]; ++r)
    for (size_t c = 0; c < col_tiles_[layer]; ++c) {
      TileWork& tile = work[r * col_tiles_[layer] + c];
      tile.candidates = pre_per_row_tile_[r] * eligible_per_col_tile_[c];
      tile.p_evaluations = share(activity_.p_evaluations - before.p_evaluations, tile.candidates);
      tile.acc_updates = share(activity_.acc_updates - before.acc_updates, tile.candidates);
    }
  // m reads: one per p lookup (prob_meta) or per accumulator update (grad_acc), of the cell
  // covering the candidate, counted at its home: the candidates' product again, by the home
  // row tile of each spiking pre and the home column tile of each eligible post.
  const uint64_t m_reads = activity_.m_reads - before.m_reads;
  if (tallies_m_reads_ || !m_reads) return;
  share(m_reads, candidates);
  const MetaplasticState& meta = *meta_[layer];
  if (meta.per_synapse()) {  // every cell is at home in its synapse's tile
    for (TileWork& tile : work) tile.m_reads = tile.candidates;
    return;
  }
  pre_per_home_row_.assign(row_tiles_[layer], 0);
  eligible_per_home_col_.assign(col_tiles_[layer], 0);
  for (uint32_t i : *layer_step.pre_spikes) ++pre_per_home_row_[meta.home_row_tile(i)];
  for (uint32_t j : eligible_posts_[layer]) ++eligible_per_home_col_[meta.home_col_tile(j)];
  for (size_t r = 0; r < row_tiles_[layer]; ++r)
    for (size_t c = 0; c < col_tiles_[layer]; ++c)
      work[r * col_tiles_[layer] + c].m_reads = pre_per_home_row_[r] * eligible_per_home_col_[c];
}

void LearningRule::finish_batch(const SynapseArray& array, WriteBatch& batch) {
  if (batch.moves.empty()) return;
  ++round_robin_[batch.layer];
  batch.device = static_cast<unsigned>(round_robin_[batch.layer] % array.n_mem());
}

DrawPolicy parse_draw_policy(const std::string& name) {
  if (name == "layer") return DrawPolicy::layer;
  if (name == "post") return DrawPolicy::post;
  if (name == "synapse") return DrawPolicy::synapse;
  throw Error("rng.draw_policy: expected layer | post | synapse, got \"" + name + "\"");
}

GateSpec gate_spec(const Config& config) {
  GateSpec spec;
  spec.rng.kind = parse_rng_kind(config.get_string("rng.kind"));
  spec.rng.bits = static_cast<unsigned>(config.get_uint("rng.bits"));
  spec.rng.lfsr_width = static_cast<unsigned>(config.get_uint("rng.lfsr_width"));
  spec.rng.trng_bias = config.get_double("rng.trng_bias");
  spec.p_bits = static_cast<unsigned>(config.get_uint("controller.p_bits"));
  validate(spec.rng);
  return spec;
}

WriteVerify write_verify_spec(const Config& config) {
  WriteVerify verify;
  verify.on = config.get_bool("controller.write_verify");
  verify.tolerance = config.get_double("controller.verify_tolerance");
  verify.max_pulses = static_cast<unsigned>(config.get_uint("controller.verify_max_pulses"));
  return verify;
}

std::unique_ptr<LearningRule> make_learning_rule(const Config& config, size_t inputs, size_t hidden,
                                                 size_t outputs, uint64_t seed) {
  EligibilityParams eligibility[2];
  MetaplasticParams meta[2];
  const char* layer_key[2] = {"hidden", "output"};
  const char* pre_key[2] = {"input", "hidden"};
  for (unsigned layer = 0; layer < 2; ++layer) {
    eligibility[layer].u_th = static_cast<float>(config.get_double(std::string("rule.u_th_") + layer_key[layer]));
    eligibility[layer].i_min = static_cast<float>(config.get_double("rule.i_min"));
    eligibility[layer].i_max = static_cast<float>(config.get_double("rule.i_max"));
    meta[layer].th_pre = static_cast<float>(config.get_double(std::string("rule.m_th_") + pre_key[layer]));
    meta[layer].th_post = static_cast<float>(config.get_double(std::string("rule.m_th_") + layer_key[layer]));
    meta[layer].dm = static_cast<float>(config.get_double(std::string("rule.dm_") + layer_key[layer]));
    meta[layer].m_max = static_cast<float>(config.get_double("rule.m_max"));
    meta[layer].sharing = parse_m_sharing(config.get_string("rule.m_sharing"));
    meta[layer].module_pre = config.get_uint(layer == 0 ? "rule.module_inputs" : "rule.module_hidden");
  }
  // The state is sliced as the chip's SRAMs hold it, in both modes, so both run one layout.
  StateLayout layout;
  layout.grid.tile_rows = config.get_uint("tile.rows");
  layout.grid.tile_cols = config.get_uint("tile.cols");
  layout.per_tile = config.get_string("chip.controllers") == "tile";
  if (eligibility[0].i_min >= eligibility[0].i_max)
    throw Error(config.origin() + ": 'rule.i_min' must be below 'rule.i_max'");

  const std::string kind = config.get_string("rule.kind");
  if (kind == "grad_acc") {
    GradAccParams params;
    for (unsigned layer = 0; layer < 2; ++layer) {
      params.eligibility[layer] = eligibility[layer];
      params.meta[layer] = meta[layer];
      params.lr[layer] = static_cast<float>(config.get_double(std::string("rule.lr_") + layer_key[layer]));
      params.a_th[layer] = static_cast<float>(config.get_double(std::string("rule.a_th_") + layer_key[layer]));
    }
    params.state = layout;
    return std::make_unique<GradientAccumulation>(params, inputs, hidden, outputs);
  }
  ProbMetaParams params;
  params.consolidate = kind == "prob_meta";
  const std::string ablation = config.get_string("rule.ablation");
  params.ablation = ablation == "decaying"               ? Ablation::decaying
                    : ablation == "random_consolidation" ? Ablation::random_consolidation
                                                         : Ablation::none;
  params.decay_divisor = config.get_double("rule.decay_divisor");
  params.draw_policy = parse_draw_policy(config.get_string("rng.draw_policy"));
  params.gate = gate_spec(config);
  for (unsigned layer = 0; layer < 2; ++layer) {
    params.eligibility[layer] = eligibility[layer];
    params.meta[layer] = meta[layer];
  }
  params.gate_per_tile = config.get_string("chip.rngs") == "tile";
  params.state = layout;
  params.grid = layout.grid;
  params.rows[0] = inputs, params.rows[1] = hidden;
  params.cols[0] = hidden, params.cols[1] = outputs;
  return std::make_unique<ProbMetaplasticity>(params, inputs, hidden, outputs, seed);
}

}  // namespace mx
