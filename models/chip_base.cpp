#include "models/chip_base.h"

#include <cstdio>
#include <utility>

#include "chip/chip_costs.h"
#include "common/error.h"
#include "config/config.h"
#include "models/chip_ops.h"
#include "models/kernel_run.h"
#include "device/synapse_array.h"

namespace mx {

Floorplan plan_chip(const Config& config, const SynapseArray& layer0, const SynapseArray& layer1) {
  const size_t rows[2] = {layer0.rows(), layer1.rows()};
  const size_t cols[2] = {layer0.cols(), layer1.cols()};
  TileGrid grid;
  grid.tile_rows = config.get_uint("tile.rows");
  grid.tile_cols = config.get_uint("tile.cols");
  return make_floorplan(rows, cols, grid, static_cast<unsigned>(config.get_uint("mesh.width")),
                        static_cast<unsigned>(config.get_uint("mesh.height")));
}

namespace {

std::string shown(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

}  // namespace

void check_chip_latencies(const Config& config, const ChipCosts& c) {
  const Tech tech = load_tech(config);
  for (const std::string& name : tech.names())
    if (!(tech.at(name).latency_ns <= kMaxOperationNs))
      throw Error("tech entry '" + name + "': latency_ns " + shown(tech.at(name).latency_ns) +
                  " is above 1e6 ns (1 ms), the most one operation may take so that the chip's 64-bit "
                  "picosecond clock cannot overflow");
  const std::pair<const char*, uint64_t> derived[] = {
      {"the clock cycle (clock.frequency_hz)", c.cycle_ps},
      {"a row drive (dac_row_drive x dac.bits cycles)", c.row_drive_ps},
      {"a read's settling (rram_read)", c.settle_ps},
      {"an ADC conversion (adc.bits)", c.conversion_ps},
      {"a draw (rng cycles x the clock cycle)", c.rng_draw_ps},
      {"a controller operation", c.controller_op_ps},
      {"an SRAM access (sram_read_bit, in clock cycles)", c.sram_access_ps},
      {"a weight read (rram_read)", c.weight_read_ps},
      {"a write pulse (rram_set, rram_reset)", c.pulse_ps},
      {"a verify read (rram_read)", c.verify_ps},
      {"an east-west hop (router_hop_east_west)", c.mesh.east_west.latency_ps},
      {"a north-south hop (router_hop_north_south)", c.mesh.north_south.latency_ps},
      {"a delivery (router_in_tile)", c.mesh.local.latency_ps},
      {"a packet's serialization (the clock cycle)", c.mesh.serialization_ps}};
  for (const auto& [what, ps] : derived)
    if (ps > kMaxDerivedPs)
      throw Error(std::string("chip time: ") + what + " takes " + std::to_string(ps) +
                  " ps, above the 1.6e10 ps (16 ms) one operation may take so that the 64-bit picosecond "
                  "clock cannot overflow");
}

void set_chip_time_resolution() {
  static bool set = false;
  if (set) return;
  sc_core::sc_set_time_resolution(1, sc_core::SC_PS);
  set = true;
}

ChipBase::ChipBase(sc_core::sc_module_name name, const Config& config, Floorplan floorplan,
                   const ContextMaker& make_context)
    : sc_module((set_chip_time_resolution(), name)), floorplan_(std::move(floorplan)), context_(make_context(floorplan_)) {
  check_chip_latencies(config, context_->costs);
  trace_window_ = TraceWindow(config);
  vcd_window_ = TraceWindow(config.get_uint("trace.window_start"), config.get_uint("trace.vcd_window_samples"),
                            config.get_string("trace.window_phase") == "train");
  ChipContext& context = *context_;
  sample_track_ = context.timeline.track("samples");
  train_name_ = context.timeline.name("train sample");
  test_name_ = context.timeline.name("test sample");
  energy_name_ = context.timeline.name("energy_pj");
  inference_key_ = context.timeline.name("inference");
  learning_key_ = context.timeline.name("learning");
  last_component_aj_.assign(context.ledger.component_count(), 0);
  context.timeline.set_enabled(false);
  // A training sample is ~10^5-10^6 ps of chip time: the kernel catches up a few times per
  // sample, and at every sample's end.
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_core::sc_time::from_value(kQuantumPs));
  quantum_.reset();
  SC_HAS_PROCESS(ChipBase);
  SC_THREAD(sequencer);
}

ChipBase::~ChipBase() { close_vcd(); }

void ChipBase::close_vcd() { context_->waves.reset(); }

void ChipBase::write_vcd() {
  if (!context_->waves) return;
  context_->waves->writer().write(vcd_path_ + ".vcd");
  close_vcd();
}

void ChipBase::open_vcd(const std::string& path) {
  vcd_path_ = path;
  ChipContext& context = *context_;
  context.waves = std::make_unique<TrackWaves>(context.timeline, kMaxVcdChanges);
  TrackWaves& waves = *context.waves;
  waves.writer().set_top(basename());
  waves.writer().add_comment("samples: " + vcd_window_.describe() +
                             " (trace.window_start, trace.window_phase, trace.vcd_window_samples)");
  waves.writer().add_comment("busy: intervals of the block in progress (>1: overlapping work); the other "
                             "counts of a block: its work of that kind in progress");
  // The sequencer's own signals first, then every block, so an idle block has its `busy` too.
  sample_signal_.attach(waves, "sequencer", &now_ps_);
  task_signal_.attach(waves, "sequencer", &now_ps_);
  training_signal_.attach(waves, "sequencer", &now_ps_, 1);
  trace_signals(waves);
  for (int track = 1; track <= static_cast<int>(context.timeline.track_count()); ++track)
    if (track != sample_track_) waves.declare(track);
}

void ChipBase::run_job(const std::function<void()>& job) {
  job_ = &job;
  request_.notify(sc_core::SC_ZERO_TIME);
  run_kernel_until_starved();
  if (job_failure_) std::rethrow_exception(std::exchange(job_failure_, nullptr));
  if (job_) throw Error("chip: the sequencer did not run the requested work");
}

SampleResult ChipBase::run_sample(const uint8_t* image, const std::vector<uint16_t>& permutation, int target) {
  SampleResult result;
  const bool timeline = trace_window_.admit(target >= 0), waves = vcd_window_.admit(target >= 0);
  context_->timeline.set_enabled(timeline);
  if (context_->waves) context_->waves->recording = waves;
  context_->recording = timeline || (waves && context_->waves != nullptr);
  run_job([&] { result = sample(image, permutation, target); });
  return result;
}

void ChipBase::begin_task(size_t task_index) {
  task_index_ = task_index;
  run_job([&] { start_task(task_index); });
}

void ChipBase::end_training() {
  run_job([&] { finish_training(); });
}

void ChipBase::begin_test(size_t task_index) {
  run_job([&] { start_test(task_index); });
}

void ChipBase::sequencer() {
  for (;;) {
    while (!job_) sc_core::wait(request_);
    // A failing job ends here rather than unwinding out of the thread: SystemC would rethrow
    // it from inside the kernel, and the thread would be gone for the next job.
    try {
      (*job_)();
      sync_to_chip_time();
    } catch (...) {
      job_failure_ = std::current_exception();
    }
    job_ = nullptr;
  }
}

SampleResult ChipBase::sample(const uint8_t* image, const std::vector<uint16_t>& permutation, int target) {
  const uint64_t sample_start = now_ps_;
  sample_signal_.write(sample_costs_.size());
  task_signal_.write(task_index_);
  training_signal_.write(target >= 0);
  SampleResult result = simulate_sample(image, permutation, target);
  SampleCost cost;
  cost.training = target >= 0;
  cost.chip_ps = now_ps_ - sample_start;
  const EnergyLedger& ledger = context_->ledger;
  for (ComponentId id = 0; id < ledger.component_count(); ++id) {
    const int64_t now = ledger.component_aj(id);
    sample_component_aj_.push_back(now - last_component_aj_[id]);
    cost.total_aj += now - last_component_aj_[id];
    last_component_aj_[id] = now;
  }
  if (context_->recording) {
    context_->timeline.slice(sample_track_, cost.training ? train_name_ : test_name_, sample_start, cost.chip_ps);
    context_->timeline.counter(energy_name_, now_ps_,
                               {{inference_key_, ledger.phase_pj(Phase::inference)},
                                {learning_key_, ledger.phase_pj(Phase::learning)}});
  }
  sample_costs_.push_back(std::move(cost));
  return result;
}

void ChipBase::advance_to(uint64_t chip_ps) {
  quantum_.set(delay_until(chip_ps));
  if (quantum_.need_sync()) quantum_.sync();
}

void ChipBase::sync_to(uint64_t chip_ps) {
  quantum_.set(delay_until(chip_ps));
  quantum_.sync();
}

}  // namespace mx
