#include "models/digital_unit.h"

namespace mx {

DigitalUnit::DigitalUnit(sc_core::sc_module_name name, ChipContext& context)
    : sc_module(name), in("in"), context_(context), record_(context.add_block(this->name(), "digital_unit")) {
  in.register_b_transport(this, &DigitalUnit::work);
  lanes_.attach(&record_);
  track_ = context_.timeline.track("digital unit");
  inference_name_ = context_.timeline.name("activate");
  learning_name_ = context_.timeline.name("learn");
}

void DigitalUnit::charge_sram(ComponentId id, uint64_t read_bits, uint64_t write_bits) {
  const ChipCosts& c = context_.costs;
  context_.charge(record_, id, Phase::learning,
                         c.sram_read_bit_aj * static_cast<int64_t>(read_bits) +
                             c.sram_write_bit_aj * static_cast<int64_t>(write_bits),
                         read_bits + write_bits);
}

void DigitalUnit::work(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  const DigitalOp* op = request_of<DigitalOp>(payload);
  if (!op) return;
  const QnnActivity& w = op->work;
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
  const uint64_t update_ops = w.gradient_updates + w.weight_steps;
  if (update_ops)
    context_.charge(record_, id.digital_unit, Phase::learning,
                  c.gradient_word_aj * static_cast<int64_t>(w.gradient_updates) +
                      c.weight_step_aj * static_cast<int64_t>(w.weight_steps),
                  update_ops);
  charge_sram(id.sram_hidden, w.hidden_read_bits, w.hidden_write_bits);
  charge_sram(id.sram_optimizer, w.optimizer_state_read_bits, w.optimizer_state_write_bits);
  charge_sram(id.sram_gradient, w.gradient_read_bits, w.gradient_write_bits);
  // The SRAM accesses are pipelined with the lanes' arithmetic: the operations set the time.
  const uint64_t latency = c.lane_ops_ps(w.activations + w.error_terms + update_ops);
  const uint64_t done = lanes_.reserve(chip_ps_of(delay), latency);
  context_.slice(track_, op->phase == Phase::inference ? inference_name_ : learning_name_, lanes_.start(), done);
  respond(payload, delay, done);
}

}  // namespace mx
