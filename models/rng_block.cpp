#include "models/rng_block.h"

namespace mx {

RngBlock::RngBlock(sc_core::sc_module_name name, ChipContext& context) : sc_module(name), in("in"), context_(context) {
  in.register_b_transport(this, &RngBlock::transport);
  track_ = context_.timeline.track("rng");
  draw_name_ = context_.timeline.name("draw");
}

void RngBlock::transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  CountOp& op = op_of<CountOp>(payload);
  const ChipCosts& c = context_.costs;
  if (op.draws) context_.ledger.charge(context_.components.rng, Phase::learning,
                                       c.rng_draw_aj * static_cast<int64_t>(op.draws), op.draws);
  const uint64_t latency = op.draws * c.rng_draw_ps;
  op.done_ps = op.start_ps + latency;
  context_.slice(track_, draw_name_, op.start_ps, op.done_ps);
  delay += sc_core::sc_time::from_value(latency);
}

SramBank::SramBank(sc_core::sc_module_name name, ComponentId component, ChipContext& context)
    : sc_module(name), in("in"), component_(component), context_(context) {
  in.register_b_transport(this, &SramBank::transport);
  track_ = context_.timeline.track(std::string("sram ") + basename());
  access_name_ = context_.timeline.name("access");
}

void SramBank::transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  CountOp& op = op_of<CountOp>(payload);
  const ChipCosts& c = context_.costs;
  const int64_t energy = c.sram_read_bit_aj * static_cast<int64_t>(op.read_bits) +
                         c.sram_write_bit_aj * static_cast<int64_t>(op.write_bits);
  if (energy) context_.ledger.charge(component_, Phase::learning, energy);
  // A 64-bit port: one access latency per word moved.
  const uint64_t words = (op.read_bits + op.write_bits + 63) / 64;
  const uint64_t latency = words * c.sram_access_ps;
  op.done_ps = op.start_ps + latency;
  context_.slice(track_, access_name_, op.start_ps, op.done_ps);
  delay += sc_core::sc_time::from_value(latency);
}

}  // namespace mx
