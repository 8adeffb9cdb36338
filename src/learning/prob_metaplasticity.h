#pragma once
// Probabilistic metaplasticity (SPEC §1.4): a synapse is consolidated by lowering the
// probability that it is updated, p_update = exp(-m |W|), not the size of its step. Every
// update is exactly one conductance level; there is no gradient accumulator.
// Also serves the `none` rule (no gate: every candidate moves) and the two ablations.
#include <memory>
#include <vector>

#include "learning/learning_rule.h"
#include "learning/gate_bank.h"
#include "learning/update_gate.h"

namespace mx {

enum class Ablation { none, decaying, random_consolidation };

struct ProbMetaParams {
  bool consolidate = true;  // false: the `none` rule
  Ablation ablation = Ablation::none;
  double decay_divisor = 2;
  DrawPolicy draw_policy = DrawPolicy::layer;
  GateSpec gate;
  EligibilityParams eligibility[2];
  MetaplasticParams meta[2];
  // chip.rngs = "tile": every tile has its own generator (its own stream), drawing for its
  // own candidates under the same policy (layer: once per tile per event; post: once per
  // post per tile); `tiles` is the tile grid and layer sizes[pre, post] of both layers.
  bool gate_per_tile = false;
  TileGrid grid;
  size_t rows[2] = {0, 0}, cols[2] = {0, 0};
  StateLayout state;  // how m is sliced (learning/state_store.h)
};

class ProbMetaplasticity : public LearningRule {
 public:
  ProbMetaplasticity(const ProbMetaParams& params, size_t inputs, size_t hidden, size_t outputs, uint64_t seed);
  std::string name() const override;
  void begin_task(size_t task_index) override;
  void on_step(const LayerStep& step, WriteBatch& batch) override;
  void end_sample(unsigned layer, const std::vector<float>& pre_trace, const std::vector<uint32_t>& pre_active,
                  const std::vector<float>& post_trace, const std::vector<uint32_t>& post_active) override;

  // p_update of one synapse as the gate sees it (exposed for tests and reports).
  double p_update(unsigned layer, const SynapseArray& array, uint32_t pre, uint32_t post);
  double global_p() const { return global_p_; }
  GateBank* gates() override { return &gates_; }

 private:
  ProbMetaParams params_;
  void draw(UpdateGate& gate, unsigned layer, uint32_t pre, uint32_t post);

  GateBank gates_;  // the rule's one generator, or one per tile (gate_per_tile)
  std::vector<uint8_t> drawn_;  // gate_per_tile: tiles that drew in this event (layer) or post (post)
  Rng read_rng_;
  double global_p_ = 1.0;
  std::vector<uint32_t> shuffled_[2];  // random consolidation: synapse -> whose p it takes
  std::vector<uint32_t> eligible_;
};

}  // namespace mx
