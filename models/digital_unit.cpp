#include "models/digital_unit.h"

#include <algorithm>

namespace mx {

DigitalUnit::DigitalUnit(sc_core::sc_module_name name, ChipContext& context)
    : sc_module(name), in("in"), context_(context), record_(context.add_block(this->name(), "digital_unit")) {
  in.register_b_transport(this, &DigitalUnit::work);
  lanes_.attach(&record_);
  track_ = context_.timeline.track("digital unit");
  inference_name_ = context_.timeline.name("activate");
  learning_name_ = context_.timeline.name("learn");
}

void DigitalUnit::charge_sram(ComponentId id, Phase phase, uint64_t read_bits, uint64_t write_bits) {
  const ChipCosts& c = context_.costs;
  context_.charge(record_, id, phase,
                         c.sram_read_bit_aj * static_cast<int64_t>(read_bits) +
                             c.sram_write_bit_aj * static_cast<int64_t>(write_bits),
                         read_bits + write_bits);
}

uint64_t DigitalUnit::charge(const QnnActivity& w, Phase phase) {
  const ChipCosts& c = context_.costs;
  const ChipComponents& id = context_.components;
  // Activations belong to inference; errors are the error unit's; gradients and weight steps
  // are the parameter update.
  if (w.activations)
    context_.charge(record_, id.digital_unit, Phase::inference, c.activation_aj * static_cast<int64_t>(w.activations),
                    w.activations);
  if (w.error_terms)
    context_.charge(record_, id.error_unit, Phase::learning, c.error_term_aj * static_cast<int64_t>(w.error_terms),
                    w.error_terms);
  // Normalizing a neuron costs what forming an activation does; its state words share the
  // hidden-weight SRAM, read in inference as well as in learning.
  if (w.normalizations)
    context_.charge(record_, id.digital_unit, phase, c.activation_aj * static_cast<int64_t>(w.normalizations),
                    w.normalizations);
  if (w.norm_state_read_bits || w.norm_state_write_bits)
    charge_sram(id.sram_hidden, phase, w.norm_state_read_bits, w.norm_state_write_bits);
  const uint64_t update_ops = w.gradient_updates + w.weight_steps;
  if (update_ops)
    context_.charge(record_, id.digital_unit, Phase::learning,
                    c.gradient_word_aj * static_cast<int64_t>(w.gradient_updates) +
                        c.weight_step_aj * static_cast<int64_t>(w.weight_steps),
                    update_ops);
  charge_sram(id.sram_hidden, Phase::learning, w.hidden_read_bits, w.hidden_write_bits);
  charge_sram(id.sram_optimizer, Phase::learning, w.optimizer_state_read_bits, w.optimizer_state_write_bits);
  charge_sram(id.sram_gradient, Phase::learning, w.gradient_read_bits, w.gradient_write_bits);
  return w.activations + w.normalizations + w.error_terms + update_ops;
}

void DigitalUnit::work(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  if (UpdateOp* update_op = nullptr; payload.get_extension(update_op), update_op)
    return update(*update_op, payload, delay);
  const DigitalOp* op = request_of<DigitalOp>(payload);
  if (!op) return;
  // The SRAM accesses are pipelined with the lanes' arithmetic: the operations set the time.
  const uint64_t latency = context_.costs.lane_ops_ps(charge(op->work, op->phase));
  const uint64_t done = lanes_.reserve(chip_ps_of(delay), latency);
  context_.slice(track_, op->phase == Phase::inference ? inference_name_ : learning_name_, lanes_.start(), done);
  respond(payload, delay, done);
}

uint64_t DigitalUnit::stepped_ps(uint64_t index) const {
  const ChipCosts& c = context_.costs;
  return walk_origin_ps_ + c.sram_access_ps + c.lane_ops_ps(index + 1);
}

void DigitalUnit::update(UpdateOp& op, tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  const uint64_t now = chip_ps_of(delay);
  const ChipCosts& c = context_.costs;
  switch (op.kind) {
    case UpdateOp::begin:
      // The walk starts once the lanes are free (the gradient of the last sample is in).
      walk_origin_ps_ = std::max(now, lanes_.busy_until());
      walked_ = 0;
      return respond(payload, delay, walk_origin_ps_);
    case UpdateOp::through:
      walked_ = std::max(walked_, op.index + 1);
      return respond(payload, delay, std::max(now, stepped_ps(op.index)));
    case UpdateOp::end: {
      const uint64_t steps = std::max(walked_, op.work.weight_steps);
      charge(op.work, Phase::learning);
      if (!steps) return respond(payload, delay, std::max(now, walk_origin_ps_));
      // The lanes step the whole walk; the last weight's hidden word is written back after it.
      const uint64_t stepped = lanes_.reserve(walk_origin_ps_ + c.sram_access_ps, c.lane_ops_ps(steps));
      const uint64_t done = stepped + c.sram_access_ps;
      context_.slice(track_, learning_name_, walk_origin_ps_, done);
      return respond(payload, delay, std::max(now, done));
    }
  }
  payload.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
}

}  // namespace mx
