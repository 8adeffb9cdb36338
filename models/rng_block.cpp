#include "models/rng_block.h"

#include "common/error.h"

namespace mx {

RngBlock::RngBlock(sc_core::sc_module_name name, ChipContext& context, unsigned draws_per_cycle, int layer)
    : sc_module(name),
      in("in"),
      context_(context),
      record_(context.add_block(this->name(), "rng", layer)),
      draws_per_cycle_(draws_per_cycle ? draws_per_cycle : 1) {
  in.register_b_transport(this, &RngBlock::transport);
  generator_.attach(&record_);
  track_ = context_.timeline.track(std::string("rng ") + basename());
  draw_name_ = context_.timeline.name("draw");
}

RngBlock::~RngBlock() {
  if (stream_) bank_->restore(bank_index_, std::move(stream_));
}

void RngBlock::hold(GateBank& bank, size_t index) {
  stream_ = bank.release(index);
  bank_ = &bank;
  bank_index_ = index;
}

void RngBlock::check_served_all() const {
  const uint64_t made = stream_ ? stream_->draws() : 0;
  if (made != draws_)
    throw Error(std::string("chip: ") + name() + " served " + std::to_string(draws_) + " draws, its generator made " +
                std::to_string(made));
}

void RngBlock::transport(int, tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  const DrawOp* op = request_of<DrawOp>(payload);
  if (!op) return;
  const ChipCosts& c = context_.costs;
  const uint64_t ready = chip_ps_of(delay);
  if (!op->draws) return respond(payload, delay, ready);
  context_.charge(record_, context_.components.rng, Phase::learning, c.rng_draw_aj * static_cast<int64_t>(op->draws),
                  op->draws);
  draws_ += op->draws;
  const uint64_t rounds = (op->draws + draws_per_cycle_ - 1) / draws_per_cycle_;
  const uint64_t done = generator_.reserve(ready, rounds * c.rng_draw_ps);
  context_.slice(track_, draw_name_, generator_.start(), done);
  respond(payload, delay, done);
}

SramBank::SramBank(sc_core::sc_module_name name, ComponentId component, ChipContext& context, unsigned banks,
                   int layer)
    : sc_module(name),
      in("in"),
      component_(component),
      context_(context),
      record_(context.add_block(this->name(), "sram", layer)),
      banks_(banks ? banks : 1) {
  in.register_b_transport(this, &SramBank::transport);
  for (Resource& bank : banks_) bank.attach(&record_);
  track_ = context_.timeline.track(std::string("sram ") + basename());
  access_name_ = context_.timeline.name("access");
}

SramBank::~SramBank() {
  for (Held& held : held_) held.store->restore(held.index, std::move(held.slice));
}

void SramBank::hold(SlicedState& store, size_t index) {
  std::unique_ptr<StateSlice> slice = store.release(index);
  const uint64_t seen = slice->accesses();
  held_.push_back({&store, index, std::move(slice), seen});
}

uint64_t SramBank::seen() const {
  uint64_t seen = 0;
  for (const Held& held : held_) seen += held.slice->accesses() - held.seen_before;
  return seen;
}

void SramBank::check_served_all() const {
  if (!mismatch_.empty()) throw Error(mismatch_);
  const uint64_t saw = seen();
  if (saw != accesses_)
    throw Error(std::string("chip: ") + name() + " was sent " + std::to_string(accesses_) +
                " accesses, its slices saw " + std::to_string(saw));
}

void SramBank::transport(int, tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  const SramOp* op = request_of<SramOp>(payload);
  if (!op) return;
  accesses_ += op->accesses;
  // The kernel has made a request's accesses before the controller sends it. A mismatch is
  // kept for check_served_all() rather than thrown here, out of the middle of a transaction.
  if (!held_.empty() && mismatch_.empty() && seen() != accesses_)
    mismatch_ = std::string("chip: ") + name() + " was sent " + std::to_string(accesses_) +
                " accesses by its request at " + std::to_string(chip_ps_of(delay)) + " ps, its slices saw " +
                std::to_string(seen());
  const ChipCosts& c = context_.costs;
  const uint64_t ready = chip_ps_of(delay);
  const int64_t energy = c.sram_read_bit_aj * static_cast<int64_t>(op->read_bits) +
                         c.sram_write_bit_aj * static_cast<int64_t>(op->write_bits);
  if (energy) context_.charge(record_, component_, Phase::learning, energy);
  uint64_t done = ready;
  const uint64_t n = banks_.size();
  // Accesses land on consecutive banks from where the last request stopped.
  for (uint64_t k = 0; k < n && k < op->accesses; ++k) {
    const uint64_t accesses = op->accesses / n + (k < op->accesses % n ? 1 : 0);
    Resource& bank = banks_[(next_bank_ + k) % n];
    done = std::max(done, bank.reserve(ready, accesses * c.sram_access_ps));
  }
  next_bank_ = static_cast<unsigned>((next_bank_ + op->accesses) % n);
  context_.slice(track_, access_name_, ready, done);
  respond(payload, delay, done);
}

}  // namespace mx
