#include "models/crossbar_tile.h"

#include <algorithm>
#include <cstring>

#include "xbar/analog_read.h"
#include "xbar/tiled_read.h"

namespace mx {

TileBlock::TileBlock(sc_core::sc_module_name name, const TilePlacement& placement, SynapseArray& array,
                     const Adc& adc, ChipContext& context, unsigned write_drivers, WriteBudget* budget)
    : sc_module(name),
      placement_(placement),
      array_(array),
      adc_(adc),
      context_(context),
      record_(context.add_block(this->name(), "tile", static_cast<int>(placement.layer))),
      partial_(std::max(placement.col_end - placement.col_begin, placement.row_end - placement.row_begin), 0.0f),
      drivers_(write_drivers ? write_drivers : 1),
      budget_(budget && budget->limited() ? budget : nullptr) {
  read_path_.attach(&record_);
  for (Resource& driver : drivers_) driver.attach(&record_);
  tile_track_ = context_.timeline.track("tile " + placement_.name());
  adc_track_ = context_.timeline.track("adc " + placement_.name());
  read_name_ = context_.timeline.name("read");
  convert_name_ = context_.timeline.name("convert");
}

CrossbarTile::CrossbarTile(sc_core::sc_module_name name, const TilePlacement& placement, SynapseArray& array,
                           const Adc& adc, ChipContext& context, unsigned write_drivers, WriteBudget* budget)
    : TileBlock(name, placement, array, adc, context, write_drivers, budget), in("in"), prog("prog") {
  in.register_b_transport(this, &CrossbarTile::read);
  in.register_transport_dbg(this, &CrossbarTile::peek);
  prog.register_b_transport(this, &CrossbarTile::program);
  set_name_ = context_.timeline.name("SET");
  reset_name_ = context_.timeline.name("RESET");
  weight_read_name_ = context_.timeline.name("weight read");
}

AnalogTile::AnalogTile(sc_core::sc_module_name name, const TilePlacement& placement, SynapseArray& array,
                       const Adc& adc, ChipContext& context, unsigned write_drivers, WriteBudget* budget)
    : TileBlock(name, placement, array, adc, context, write_drivers, budget), analog("analog"), reprogram("reprogram") {
  analog.register_b_transport(this, &AnalogTile::analog_read);
  analog.register_transport_dbg(this, &AnalogTile::peek);
  reprogram.register_b_transport(this, &AnalogTile::reprogram_device);
  program_name_ = context_.timeline.name("program level");
}

unsigned TileBlock::debug_partials(tlm::tlm_generic_payload& payload) {
  if (payload.get_command() != tlm::TLM_READ_COMMAND || !payload.get_data_ptr()) {
    payload.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return 0;
  }
  const size_t bytes = partial_.size() * sizeof(float);
  const size_t offset = static_cast<size_t>(payload.get_address());
  const size_t n = offset >= bytes ? 0 : std::min<size_t>(payload.get_data_length(), bytes - offset);
  std::memcpy(payload.get_data_ptr(), reinterpret_cast<const unsigned char*>(partial_.data()) + offset, n);
  payload.set_response_status(tlm::TLM_OK_RESPONSE);
  return static_cast<unsigned>(n);
}

void CrossbarTile::read(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  const TileReadOp* op = request_of<TileReadOp>(payload);
  if (!op) return;
  tile_partial_sums(array_, op->rows_begin, op->rows_end, placement_.col_begin, placement_.col_end, adc_,
                    partial_.data());
  respond(payload, delay,
          account_read(static_cast<size_t>(op->rows_end - op->rows_begin), placement_.col_end - placement_.col_begin,
                       Phase::inference, chip_ps_of(delay)));
}

uint64_t TileBlock::account_read(size_t driven, size_t sensed, Phase phase, uint64_t ready_ps) {
  const ChipCosts& c = context_.costs;
  const ChipComponents& id = context_.components;
  context_.charge(record_, id.row_drivers, phase, c.row_drive_aj * static_cast<int64_t>(driven), driven);
  const uint64_t devices = driven * sensed * array_.n_mem();
  context_.charge(record_, id.crossbar, phase, device_read_aj(c, context_.ledger, id.crossbar, phase, array_), devices);
  context_.charge(record_, id.adc, phase, c.conversion_aj * static_cast<int64_t>(sensed), sensed);
  const uint64_t done_ps = read_path_.reserve(ready_ps, c.tile_read_ps(sensed));
  if (context_.recording) {
    const uint64_t start = read_path_.start();
    const uint64_t convert_start = start + c.row_drive_ps + c.settle_ps;
    context_.slice(tile_track_, read_name_, start, convert_start);
    context_.slice(adc_track_, convert_name_, convert_start, done_ps);
  }
  ++reads_;
  return done_ps;
}

void TileBlock::charge_program(const ProgramOutcome& o) {
  const ChipCosts& c = context_.costs;
  const ChipComponents& id = context_.components;
  if (o.pulses())
    context_.charge(record_, id.write_pulses, Phase::learning,
                    c.set_pulse_aj * static_cast<int64_t>(o.set_pulses) +
                        c.reset_pulse_aj * static_cast<int64_t>(o.reset_pulses),
                    o.pulses());
  if (o.verify_reads)
    context_.charge(record_, id.verify_reads, Phase::learning,
                    c.verify_read_aj * static_cast<int64_t>(o.verify_reads), o.verify_reads);
  pulses_ += o.pulses();
}

uint64_t TileBlock::occupy_write_driver(uint64_t ready_ps, uint64_t latency, ChromeTrace::NameId name) {
  Resource* driver = &drivers_.front();
  for (Resource& d : drivers_)
    if (d.busy_until() < driver->busy_until()) driver = &d;
  uint64_t ready = ready_ps;
  Resource* slot = nullptr;
  if (budget_) {
    slot = &budget_->earliest();
    ready = std::max(ready, slot->busy_until());
  }
  const uint64_t done = driver->reserve(ready, latency);
  if (slot) slot->reserve(driver->start(), latency);
  context_.slice(tile_track_, name, driver->start(), done);
  last_program_done_ps_ = done;
  return done;
}

void CrossbarTile::program(int, tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  const ChipCosts& c = context_.costs;
  const ChipComponents& id = context_.components;
  const uint64_t ready = chip_ps_of(delay);
  if (const WeightReadOp* reads = nullptr; payload.get_extension(reads), reads) {
    // The controller's reads of |W| for p_update: n_mem devices each, on the read path.
    const uint64_t done = read_path_.reserve(ready, reads->count * c.weight_read_ps);
    context_.charge(record_, id.crossbar, Phase::learning, c.weight_read_aj * static_cast<int64_t>(reads->count),
                    reads->count * array_.n_mem());
    context_.slice(tile_track_, weight_read_name_, read_path_.start(), done);
    return respond(payload, delay, done);
  }
  const PulseOp* op = request_of<PulseOp>(payload);
  if (!op) return;
  uint64_t done = ready;
  static const WriteVerify open_loop;
  const WriteVerify& verify = op->verify ? *op->verify : open_loop;
  for (const WriteMove* move = op->begin; move != op->end; ++move) {
    // A write holds its driver for all its pulses and verify reads, which alternate.
    const ProgramOutcome o = apply_pulse(array_, *move, op->device, verify, *op->device_rng, *op->activity);
    charge_program(o);
    const uint64_t latency = o.pulses() * c.pulse_ps + o.verify_reads * c.verify_ps;
    done = std::max(done, occupy_write_driver(ready, latency, move->direction > 0 ? set_name_ : reset_name_));
  }
  last_program_done_ps_ = done;
  respond(payload, delay, done);
}

void AnalogTile::analog_read(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  const AnalogReadOp* op = request_of<AnalogReadOp>(payload);
  if (!op) return;
  const TilePlacement& p = placement_;
  const size_t driven = static_cast<size_t>(op->lines_end - op->lines_begin);
  size_t sensed;
  if (op->transposed) {
    sensed = p.row_end - p.row_begin;
    analog_tile_transposed_sums(array_, op->lines_begin, op->lines_end, op->drive, p.row_begin, p.row_end, adc_,
                                partial_.data());
  } else {
    sensed = p.col_end - p.col_begin;
    analog_tile_partial_sums(array_, op->lines_begin, op->lines_end, op->drive, p.col_begin, p.col_end, adc_,
                             partial_.data());
  }
  respond(payload, delay, account_read(driven, sensed, op->phase, chip_ps_of(delay)));
}

void AnalogTile::reprogram_device(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  ReprogramOp* op = request_of<ReprogramOp>(payload);
  if (!op) return;
  op->outcome = program_to_level(array_, op->row, op->col, op->from, op->to, op->verify_max_pulses, *op->device_rng);
  const ProgramOutcome& o = op->outcome;
  const ChipCosts& c = context_.costs;
  charge_program(o);
  const uint64_t latency = o.pulses() * c.pulse_ps + o.verify_reads * c.verify_ps;
  respond(payload, delay, occupy_write_driver(chip_ps_of(delay), latency, program_name_));
}

}  // namespace mx
