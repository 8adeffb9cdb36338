#include "models/qnn_chip.h"

#include <algorithm>

#include "chip/chip_costs.h"
#include "config/config.h"
#include "hw/hw_rng.h"
#include "xbar/analog_read.h"

namespace mx {

namespace {

std::unique_ptr<ChipContext> make_context(const Config& config, const Floorplan& plan) {
  // System B draws no random numbers; the probe only fills the (unused) draw cost.
  const HwRng probe(HwRngSpec{RngKind::lfsr}, 1);
  return std::make_unique<ChipContext>(
      make_chip_costs(config, load_tech(config), probe, 1, plan.mesh_width, plan.mesh_height), ChipKind::perceptron);
}

}  // namespace

QnnChip::QnnChip(sc_core::sc_module_name name, const Config& config, QuantizedPerceptron& network)
    : ChipBase(name, config, plan_chip(config, network.array(0), network.array(1)),
               [&](const Floorplan& plan) { return make_context(config, plan); }),
      tile_reads("tile_reads"),
      tile_programs("tile_programs"),
      mesh("mesh"),
      unit("unit"),
      network_(network),
      unit_router_(floorplan_.controller_router),
      reprogram_signal_("reprograms"),
      pulse_signal_("pulses") {
  ChipContext& context = *context_;
  const ChipDescription description = chip_description(config);
  budget_ = std::make_unique<WriteBudget>(description.write_budget);
  for (const TilePlacement& placement : floorplan_.tiles) {
    const std::string block = "tile_L" + std::to_string(placement.layer) + "_r" + std::to_string(placement.row_tile) +
                              "_c" + std::to_string(placement.col_tile);
    tile_blocks_.push_back(std::make_unique<AnalogTile>(block.c_str(), placement, network.array(placement.layer),
                                                          network.reader(placement.layer).adc(), context,
                                                          description.write_drivers, budget_.get()));
    tile_reads.bind(tile_blocks_.back()->analog);
    tile_programs.bind(tile_blocks_.back()->reprogram);
  }
  mesh_block_ = std::make_unique<SpikeMesh>("mesh_block", context.costs.mesh, context);
  mesh.bind(mesh_block_->in);
  unit_block_ = std::make_unique<DigitalUnit>("digital_unit", context);
  unit.bind(unit_block_->in);
  charged_ = network_.activity();
  network_.attach(this);
}

// The waveform signals are members of this class: the file closes before they go.
QnnChip::~QnnChip() {
  close_vcd();
  network_.attach(nullptr);
}

void QnnChip::trace_signals(TrackWaves& waves) {
  // Written when an update is done: ready_ps_ is then its end.
  reprogram_signal_.attach(waves, "sequencer", &ready_ps_);
  pulse_signal_.attach(waves, "sequencer", &ready_ps_);
}

void QnnChip::start_task(size_t task_index) {
  finish_training();                // a partial mini-batch left from the previous task
  network_.begin_task(task_index);  // nothing left to flush
}

void QnnChip::finish_training() {
  ready_ps_ = now_ps_;
  for (unsigned layer = 0; layer < 2; ++layer) update_layer(layer);
  now_ps_ = ready_ps_;
}

uint64_t QnnChip::digital_work(Phase phase, uint64_t start_ps) {
  take_work(digital_.op.work);
  digital_.op.phase = phase;
  return digital_.send(unit, start_ps);
}

void QnnChip::take_work(QnnActivity& work) {
  work = network_.activity();
  work -= charged_;
  charged_ = network_.activity();
}

uint64_t QnnChip::send(unsigned src, unsigned dst, uint64_t packets, Phase phase, uint64_t start_ps) {
  return send_packets(mesh, mesh_, src, dst, packets, phase, start_ps);
}

void QnnChip::run_reads(unsigned source, bool transposed, const float* drive, Phase phase, float* out) {
  // Each driven line is one packet (its index and DAC level) to every tile it drives.
  arrivals_.clear();
  for (const TileRead& read : reads_)
    arrivals_.push_back(send(source, floorplan_.tiles[read.tile].router, static_cast<uint64_t>(read.end - read.begin),
                             phase, ready_ps_));
  uint64_t ready = ready_ps_;
  for (size_t k = 0; k < reads_.size(); ++k) {
    AnalogReadOp& op = read_.op;
    op.transposed = transposed;
    op.drive = drive;
    op.lines_begin = reads_[k].begin;
    op.lines_end = reads_[k].end;
    op.phase = phase;
    const uint64_t converted = read_.send(tile_reads[static_cast<int>(reads_[k].tile)], arrivals_[k]);
    // The unit adds each tile's converted sums as they come, in the order the functional
    // reader adds them: row tiles in order for a column, column tiles in order for a row.
    const TilePlacement& p = floorplan_.tiles[reads_[k].tile];
    const float* partial = tile_blocks_[reads_[k].tile]->partial();
    const size_t begin = transposed ? p.row_begin : p.col_begin, end = transposed ? p.row_end : p.col_end;
    for (size_t i = begin; i < end; ++i) out[i] += partial[i - begin];
    ready = std::max(ready, send(p.router, unit_router_, context_->costs.partial_sum_packets(end - begin), phase,
                                 converted));
  }
  ready_ps_ = ready;
}

void QnnChip::read(unsigned layer, const float* drive, float* column_sums) {
  const SynapseArray& array = network_.array(layer);
  const size_t rows = array.rows();
  driven_lines(drive, 0, rows, driven_);
  std::fill(column_sums, column_sums + array.cols(), 0.0f);
  reads_.clear();
  for (size_t r = 0; r < floorplan_.row_tiles[layer]; ++r) {
    const auto [begin, end] = spikes_in_row_tile(driven_, floorplan_.grid, rows, r);
    if (begin == end) continue;  // an idle row tile adds exactly 0
    for (size_t c = 0; c < floorplan_.col_tiles[layer]; ++c)
      reads_.push_back({floorplan_.tile_index(layer, r, c), begin, end});
  }
  run_reads(layer == 0 ? floorplan_.io_router : unit_router_, false, drive, Phase::inference, column_sums);
}

void QnnChip::read_transposed(unsigned layer, const float* drive, float* row_sums) {
  const SynapseArray& array = network_.array(layer);
  const size_t cols = array.cols(), tile_cols = floorplan_.grid.tile_cols;
  std::fill(row_sums, row_sums + array.rows(), 0.0f);
  // Collect every column tile's driven lines first: reads_ points into driven_.
  driven_.clear();
  driven_offsets_.assign(1, 0);
  for (size_t c = 0; c < floorplan_.col_tiles[layer]; ++c) {
    driven_lines(drive, c * tile_cols, std::min(cols, (c + 1) * tile_cols), tile_lines_);
    driven_.insert(driven_.end(), tile_lines_.begin(), tile_lines_.end());
    driven_offsets_.push_back(driven_.size());
  }
  reads_.clear();
  for (size_t c = 0; c < floorplan_.col_tiles[layer]; ++c) {
    if (driven_offsets_[c] == driven_offsets_[c + 1]) continue;
    for (size_t r = 0; r < floorplan_.row_tiles[layer]; ++r)
      reads_.push_back({floorplan_.tile_index(layer, r, c), driven_.data() + driven_offsets_[c],
                        driven_.data() + driven_offsets_[c + 1]});
  }
  run_reads(unit_router_, true, drive, Phase::learning, row_sums);
}

ProgramOutcome QnnChip::program(unsigned layer, size_t row, size_t col, unsigned from, unsigned to) {
  const TileGrid& grid = floorplan_.grid;
  const size_t tile = floorplan_.tile_index(layer, row / grid.tile_rows, col / grid.tile_cols);
  // The new level is known once the unit's walk has stepped this weight.
  update_.op.kind = UpdateOp::through;
  update_.op.index = row * network_.array(layer).cols() + col;
  const uint64_t known = update_.send(unit, ready_ps_);
  ReprogramOp& op = reprogram_.op;
  op.row = row;
  op.col = col;
  op.from = from;
  op.to = to;
  op.verify_max_pulses = network_.params().verify_max_pulses;
  op.device_rng = &network_.device_rng(layer);
  programmed_ps_ = std::max(programmed_ps_, reprogram_.send(tile_programs[static_cast<int>(tile)], known));
  return op.outcome;
}

void QnnChip::update_layer(unsigned layer) {
  // The unit walks the hidden weights while the tiles' write drivers take the
  // reprogrammings it issues, each once its weight is stepped: the update ends when both are done.
  const uint64_t pulses_before = network_.activity().pulses();
  const uint64_t reprograms_before = network_.activity().reprogram_events;
  update_.op.kind = UpdateOp::begin;
  ready_ps_ = update_.send(unit, ready_ps_);
  programmed_ps_ = ready_ps_;
  network_.update_layer(layer);
  update_.op.kind = UpdateOp::end;
  take_work(update_.op.work);
  const uint64_t computed = update_.send(unit, ready_ps_);
  ready_ps_ = std::max(computed, programmed_ps_);
  if (tracing_waveforms()) {
    reprogram_signal_.write(static_cast<uint32_t>(network_.activity().reprogram_events - reprograms_before));
    pulse_signal_.write(static_cast<uint32_t>(network_.activity().pulses() - pulses_before));
  }
}

SampleResult QnnChip::simulate_sample(const uint8_t* image, const std::vector<uint16_t>& permutation, int target) {
  ready_ps_ = now_ps_;
  network_.begin_sample(image, permutation, target);
  network_.drive_inputs();  // the DAC codes: charged as the tiles' row drivers
  for (unsigned layer = 0; layer < 2; ++layer) {
    network_.read_layer(layer);
    network_.activate(layer);
    ready_ps_ = digital_work(Phase::inference, ready_ps_);
  }
  if (network_.training()) {
    network_.compute_error();
    ready_ps_ = digital_work(Phase::learning, ready_ps_);
    network_.read_backward();
    network_.accumulate_gradients();
    ready_ps_ = digital_work(Phase::learning, ready_ps_);
    for (unsigned layer = 0; layer < 2; ++layer)
      if (network_.update_due(layer)) update_layer(layer);
  }
  const SampleResult result = network_.end_sample();
  now_ps_ = ready_ps_;
  if (tracing_waveforms()) sync_to_chip_time();
  else advance_to(now_ps_);
  return result;
}

}  // namespace mx
