#include "models/crossbar_tile.h"

#include <algorithm>

#include "xbar/tiled_read.h"

namespace mx {

CrossbarTile::CrossbarTile(sc_core::sc_module_name name, const TilePlacement& placement, SynapseArray& array,
                           const Adc& adc, ChipContext& context)
    : sc_module(name),
      in("in"),
      prog("prog"),
      placement_(placement),
      array_(array),
      adc_(adc),
      context_(context),
      partial_(placement.col_end - placement.col_begin, 0.0f) {
  in.register_b_transport(this, &CrossbarTile::read);
  prog.register_b_transport(this, &CrossbarTile::program);
  tile_track_ = context_.timeline.track("tile " + placement_.name());
  adc_track_ = context_.timeline.track("adc " + placement_.name());
  read_name_ = context_.timeline.name("read");
  convert_name_ = context_.timeline.name("convert");
  set_name_ = context_.timeline.name("SET");
  reset_name_ = context_.timeline.name("RESET");
}

void CrossbarTile::read(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  TileReadOp& op = op_of<TileReadOp>(payload);
  const size_t rows = static_cast<size_t>(op.rows_end - op.rows_begin);
  const size_t columns = partial_.size();
  tile_partial_sums(array_, op.rows_begin, op.rows_end, placement_.col_begin, placement_.col_end, adc_,
                    partial_.data());
  const ChipCosts& c = context_.costs;
  const ChipComponents& id = context_.components;
  context_.ledger.charge(id.row_drivers, Phase::inference, c.row_drive_aj * static_cast<int64_t>(rows), rows);
  const uint64_t devices = rows * columns * array_.n_mem();
  context_.ledger.charge(id.crossbar, Phase::inference, c.device_read_aj * static_cast<int64_t>(devices), devices);
  context_.ledger.charge(id.adc, Phase::inference, c.conversion_aj * static_cast<int64_t>(columns), columns);
  const uint64_t latency = c.tile_read_ps(columns);
  op.done_ps = op.start_ps + latency;
  if (context_.recording) {
    const uint64_t convert_start = op.start_ps + c.row_drive_ps + c.settle_ps;
    context_.slice(tile_track_, read_name_, op.start_ps, convert_start);
    context_.slice(adc_track_, convert_name_, convert_start, op.done_ps);
  }
  ++reads_;
  delay += sc_core::sc_time::from_value(latency);
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
  const uint64_t start = std::max(op.start_ps, write_busy_until_ps_);
  op.done_ps = write_busy_until_ps_ = start + latency;
  context_.slice(tile_track_, result.set ? set_name_ : reset_name_, start, op.done_ps);
  ++pulses_;
  delay += sc_core::sc_time::from_value(op.done_ps - op.start_ps);
}

}  // namespace mx
