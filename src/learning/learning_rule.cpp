#include "learning/learning_rule.h"

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
  return *this;
}

PulseResult apply_pulse(SynapseArray& array, const WriteMove& move, unsigned device, Rng& device_rng,
                        LearningActivity& activity) {
  const PulseResult result = array.program(move.pre, move.post, device, move.direction, device_rng);
  (result.set ? activity.set_pulses : activity.reset_pulses) += 1;
  activity.ineffective_pulses += !result.applied;
  return result;
}

void program_batch(SynapseArray& array, const WriteBatch& batch, Rng& device_rng, LearningActivity& activity) {
  for (const WriteMove& move : batch.moves) apply_pulse(array, move, batch.device, device_rng, activity);
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
  return std::make_unique<ProbMetaplasticity>(params, inputs, hidden, outputs, seed);
}

}  // namespace mx
