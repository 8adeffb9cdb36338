#include "models/crossbar_tile.h"

#include <algorithm>

#include "xbar/analog_read.h"
#include "xbar/tiled_read.h"

namespace mx {

TileBlock::TileBlock(sc_core::sc_module_name name, const TilePlacement& placement, SynapseArray& array,
                     const Adc& adc, ChipContext& context)
    : sc_module(name),
      placement_(placement),
      array_(array),
      adc_(adc),
      context_(context),
      partial_(std::max(placement.col_end - placement.col_begin, placement.row_end - placement.row_begin), 0.0f) {
  tile_track_ = context_.timeline.track("tile " + placement_.name());
  adc_track_ = context_.timeline.track("adc " + placement_.name());
  read_name_ = context_.timeline.name("read");
  convert_name_ = context_.timeline.name("convert");
}

CrossbarTile::CrossbarTile(sc_core::sc_module_name name, const TilePlacement& placement, SynapseArray& array,
                           const Adc& adc, ChipContext& context)
    : TileBlock(name, placement, array, adc, context), in("in"), prog("prog") {
  in.register_b_transport(this, &CrossbarTile::read);
  prog.register_b_transport(this, &CrossbarTile::program);
  set_name_ = context_.timeline.name("SET");
  reset_name_ = context_.timeline.name("RESET");
}

AnalogTile::AnalogTile(sc_core::sc_module_name name, const TilePlacement& placement, SynapseArray& array,
                       const Adc& adc, ChipContext& context)
    : TileBlock(name, placement, array, adc, context), analog("analog"), reprogram("reprogram") {
  analog.register_b_transport(this, &AnalogTile::analog_read);
  reprogram.register_b_transport(this, &AnalogTile::reprogram_device);
  program_name_ = context_.timeline.name("program level");
}

void CrossbarTile::read(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  TileReadOp& op = op_of<TileReadOp>(payload);
  tile_partial_sums(array_, op.rows_begin, op.rows_end, placement_.col_begin, placement_.col_end, adc_,
                    partial_.data());
  op.done_ps = account_read(static_cast<size_t>(op.rows_end - op.rows_begin),
                            placement_.col_end - placement_.col_begin, Phase::inference, op.start_ps);
  delay += sc_core::sc_time::from_value(op.done_ps - op.start_ps);
}

uint64_t TileBlock::account_read(size_t driven, size_t sensed, Phase phase, uint64_t start_ps) {
  const ChipCosts& c = context_.costs;
  const ChipComponents& id = context_.components;
  context_.ledger.charge(id.row_drivers, phase, c.row_drive_aj * static_cast<int64_t>(driven), driven);
  const uint64_t devices = driven * sensed * array_.n_mem();
  context_.ledger.charge(id.crossbar, phase, c.device_read_aj * static_cast<int64_t>(devices), devices);
  context_.ledger.charge(id.adc, phase, c.conversion_aj * static_cast<int64_t>(sensed), sensed);
  const uint64_t done_ps = start_ps + c.tile_read_ps(sensed);
  if (context_.recording) {
    const uint64_t convert_start = start_ps + c.row_drive_ps + c.settle_ps;
    context_.slice(tile_track_, read_name_, start_ps, convert_start);
    context_.slice(adc_track_, convert_name_, convert_start, done_ps);
  }
  ++reads_;
  return done_ps;
}

void CrossbarTile::program(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  PulseOp& op = op_of<PulseOp>(payload);
  const PulseResult result = apply_pulse(array_, *op.move, op.device, *op.device_rng, *op.activity);
  const ChipCosts& c = context_.costs;
  const ChipComponents& id = context_.components;
  context_.ledger.charge(id.write_pulses, Phase::learning, result.set ? c.set_pulse_aj : c.reset_pulse_aj);
  uint64_t latency = c.pulse_ps;
  if (c.write_verify) {
    context_.ledger.charge(id.verify_reads, Phase::learning, c.verify_read_aj);
    latency += c.verify_ps;
  }
  op.done_ps = occupy_write_driver(op.start_ps, latency, result.set ? set_name_ : reset_name_);
  ++pulses_;
  delay += sc_core::sc_time::from_value(op.done_ps - op.start_ps);
}

uint64_t TileBlock::occupy_write_driver(uint64_t start_ps, uint64_t latency, ChromeTrace::NameId name) {
  const uint64_t start = std::max(start_ps, write_busy_until_ps_);
  write_busy_until_ps_ = start + latency;
  context_.slice(tile_track_, name, start, write_busy_until_ps_);
  return write_busy_until_ps_;
}

void AnalogTile::analog_read(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  AnalogReadOp& op = op_of<AnalogReadOp>(payload);
  const TilePlacement& p = placement_;
  const size_t driven = static_cast<size_t>(op.lines_end - op.lines_begin);
  size_t sensed;
  if (op.transposed) {
    sensed = p.row_end - p.row_begin;
    analog_tile_transposed_sums(array_, op.lines_begin, op.lines_end, op.drive, p.row_begin, p.row_end, adc_,
                                partial_.data());
  } else {
    sensed = p.col_end - p.col_begin;
    analog_tile_partial_sums(array_, op.lines_begin, op.lines_end, op.drive, p.col_begin, p.col_end, adc_,
                             partial_.data());
  }
  op.done_ps = account_read(driven, sensed, op.phase, op.start_ps);
  delay += sc_core::sc_time::from_value(op.done_ps - op.start_ps);
}

void AnalogTile::reprogram_device(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  ReprogramOp& op = op_of<ReprogramOp>(payload);
  op.outcome = program_to_level(array_, op.row, op.col, op.from, op.to, op.verify_max_pulses, *op.device_rng);
  const ProgramOutcome& o = op.outcome;
  const ChipCosts& c = context_.costs;
  const ChipComponents& id = context_.components;
  context_.ledger.charge(id.write_pulses, Phase::learning,
                         c.set_pulse_aj * static_cast<int64_t>(o.set_pulses) +
                             c.reset_pulse_aj * static_cast<int64_t>(o.reset_pulses),
                         o.pulses());
  context_.ledger.charge(id.verify_reads, Phase::learning, c.verify_read_aj * static_cast<int64_t>(o.verify_reads),
                         o.verify_reads);
  const uint64_t latency = o.pulses() * c.pulse_ps + o.verify_reads * c.verify_ps;
  op.done_ps = occupy_write_driver(op.start_ps, latency, program_name_);
  pulses_ += o.pulses();
  delay += sc_core::sc_time::from_value(op.done_ps - op.start_ps);
}

}  // namespace mx
