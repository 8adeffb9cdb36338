#include "models/chip_base.h"

#include <cstdio>

#include "common/error.h"
#include "config/config.h"
#include "models/chip_ops.h"
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

void set_chip_time_resolution() {
  static bool set = false;
  if (set) return;
  sc_core::sc_set_time_resolution(1, sc_core::SC_PS);
  set = true;
}

ChipBase::ChipBase(sc_core::sc_module_name name, const Config& config, Floorplan floorplan,
                   const ContextMaker& make_context)
    : sc_module((set_chip_time_resolution(), name)), floorplan_(std::move(floorplan)), context_(make_context(floorplan_)) {
  window_samples_ = config.get_uint("trace.window_samples");
  ChipContext& context = *context_;
  sample_track_ = context.timeline.track("samples");
  train_name_ = context.timeline.name("train sample");
  test_name_ = context.timeline.name("test sample");
  energy_name_ = context.timeline.name("energy_pj");
  inference_key_ = context.timeline.name("inference");
  learning_key_ = context.timeline.name("learning");
  last_component_aj_.assign(context.ledger.component_count(), 0);
  // A training sample is ~10^5-10^6 ps of chip time: the kernel catches up a few times per
  // sample, and at every sample's end.
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_core::sc_time::from_value(kQuantumPs));
  quantum_.reset();
  SC_HAS_PROCESS(ChipBase);
  SC_THREAD(sequencer);
}

ChipBase::~ChipBase() { close_vcd(); }

void ChipBase::close_vcd() {
  if (!vcd_) return;
  sc_core::sc_close_vcd_trace_file(vcd_);
  vcd_ = nullptr;
  std::rename((vcd_path_ + ".partial.vcd").c_str(), (vcd_path_ + ".vcd").c_str());
}

void ChipBase::open_vcd(const std::string& path) {
  vcd_path_ = path;
  vcd_ = sc_core::sc_create_vcd_trace_file((path + ".partial").c_str());
  // The VCD's unit is the kernel's resolution: every time the kernel reaches is representable.
  vcd_->set_time_unit(1, sc_core::SC_PS);
  trace_signals(vcd_);
}

void ChipBase::run_job(const std::function<void()>& job) {
  job_ = &job;
  request_.notify(sc_core::SC_ZERO_TIME);
  sc_core::sc_start();
  if (job_) throw Error("chip: the sequencer did not run the requested work");
}

SampleResult ChipBase::run_sample(const uint8_t* image, const std::vector<uint16_t>& permutation, int target) {
  SampleResult result;
  context_->recording = sample_costs_.size() < window_samples_;
  run_job([&] { result = sample(image, permutation, target); });
  return result;
}

void ChipBase::begin_task(size_t task_index) {
  run_job([&] { start_task(task_index); });
}

void ChipBase::end_training() {
  run_job([&] { finish_training(); });
}

void ChipBase::sequencer() {
  for (;;) {
    while (!job_) sc_core::wait(request_);
    const std::function<void()>* job = job_;
    (*job)();
    sync_to_chip_time();
    job_ = nullptr;
  }
}

SampleResult ChipBase::sample(const uint8_t* image, const std::vector<uint16_t>& permutation, int target) {
  const uint64_t sample_start = now_ps_;
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
