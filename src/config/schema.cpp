// Every key a run understands, with its default: the one place defaults live.
// The defaults describe System A on split-Fashion-MNIST with n_mem = 7 (SPEC §1), the
// default testbench; the presets under configs/paper/ set the other published cases.
#include "chip/chip_schema.h"
#include "config/config.h"
#include "config/schema_keys.h"
#include "device/device_schema.h"
#include "qnn/qnn_schema.h"
#include "trace/trace_window.h"
#include "chip/architect_schema.h"

namespace mx {
namespace {

using namespace keys;

Schema build_run_schema() {
  Schema s;
  s.add(text("description", "", "free text: what this config is for"));
  s.add(integer("seed", 1, 0, 9.007199254740992e15, "run seed; every random stream is derived from it"));
  s.add(choice("mode", "functional", {"functional", "timed"},
               "functional: untimed kernels; timed: the SystemC chip model (same numbers, plus time)"));

  // Data and task sequence (SPEC §1.1, §3).
  s.add(text("data.dir", "/usr/share/datasets/fashion-mnist", "folder holding the four IDX files"));
  s.add(integer("data.train_samples", 0, 0, 1e9, "random subset of the training set; 0 = all"));
  s.add(integer("data.test_samples", 0, 0, 1e9, "random subset of the test set; 0 = all"));
  s.add(integer("data.train_per_class", 0, 0, 1e9, "stratified subset, samples per class; 0 = off"));
  s.add(choice("task.kind", "split", {"split", "permuted", "sequence"}, "continual-learning protocol"));
  s.add(any("task.pairs", json::array({{0, 1}, {2, 3}, {4, 5}, {6, 7}, {8, 9}}),
            "split tasks: class pairs, in order"));
  s.add(boolean("task.class_incremental", false,
                "split tasks: one output per class instead of two shared outputs"));
  s.add(integer("task.permuted_tasks", 5, 1, 1000, "permuted: number of tasks"));
  s.add(boolean("task.permute_first", false, "permuted: permute the first task too"));
  s.add(any("task.sequence_dirs", json::array(),
            "sequence: IDX folders of the datasets that follow data.dir, in order"));
  s.add(any("task.epochs", 1,
            "passes over each task's training set: one count for every task, or an array of one count per "
            "task, in order"));

  // Network and encoding (SPEC §1.1-1.3).
  s.add(choice("network.kind", "snn", {"snn", "qnn"},
               "snn: System A's spiking network; qnn: System B's quantized perceptron (qnn.* keys)"));
  s.add(integer("network.hidden", 200, 1, 1e6, "hidden neurons"));
  s.add(integer("network.steps", 150, 1, 1e6, "time steps per sample (dt = 1 ms)"));
  s.add(number("network.input_rate_hz", 250, 0, 1000, "input spike rate of a pixel of value 1"));
  s.add(number("network.target_rate_hz", 100, 0, 1000, "training target rate on the correct output"));
  s.add(number("neuron.hidden.tau_syn", 10, 1, kInf, "hidden synaptic time constant (steps)"));
  s.add(number("neuron.hidden.tau_m", 15, 1, kInf, "hidden membrane time constant (steps)"));
  s.add(number("neuron.hidden.r", 1, 0, kInf, "hidden membrane resistance"));
  s.add(number("neuron.hidden.v_th", 1.0, 0, kInf, "hidden firing threshold"));
  s.add(number("neuron.output.tau_syn", 25, 1, kInf, "output synaptic time constant (steps)"));
  s.add(number("neuron.output.tau_m", 25, 1, kInf, "output membrane time constant (steps)"));
  s.add(number("neuron.output.r", 5, 0, kInf, "output membrane resistance"));
  s.add(number("neuron.output.v_th", 2.0, 0, kInf, "output firing threshold"));
  s.add(integer("neuron.refractory_steps", 4, 0, 1000, "steps a neuron is held at 0 after a spike"));
  s.add(number("neuron.trace_tau", 25, 1, kInf, "activity trace time constant (steps)"));
  s.add(number("error.tau", 10, 1, kInf, "error neuron time constant (steps)"));
  s.add(number("error.gain", 25, 0, kInf, "error neuron input resistance"));
  s.add(number("error.v_th", 2.5, 0, kInf, "error neuron threshold (subtracted on firing)"));
  s.add(number("error.floor", -0.25, -kInf, 0, "error neuron potential floor"));
  s.add(number("error.compartment_tau", 15, 1, kInf, "error compartment U time constant (steps)"));
  s.add(number("error.compartment_gain", 5, 0, kInf, "error compartment U input resistance"));
  s.add(number("error.feedback_scale", 0.15, 0, kInf, "random feedback B uniform in [-scale, scale]"));

  // Learning rule (SPEC §1.3-1.5).
  s.add(choice("rule.kind", "prob_meta", {"prob_meta", "grad_acc", "none"},
               "prob_meta: probabilistic metaplasticity; grad_acc: auxiliary-memory baseline; "
               "none: error-threshold learning without consolidation"));
  s.add(number("rule.u_th_hidden", 0.45, 0, kInf, "error threshold of hidden compartments"));
  s.add(number("rule.u_th_output", 2.25, 0, kInf, "error threshold of output compartments"));
  s.add(number("rule.i_min", -3, -kInf, kInf, "eligibility boxcar: lower bound on the synaptic current"));
  s.add(number("rule.i_max", 3, -kInf, kInf, "eligibility boxcar: upper bound on the synaptic current"));
  s.add(number("rule.m_th_input", 4.5, 0, kInf, "trace threshold of input neurons for m growth"));
  s.add(number("rule.m_th_hidden", 2, 0, kInf, "trace threshold of hidden neurons for m growth"));
  s.add(number("rule.m_th_output", 2.25, 0, kInf, "trace threshold of output neurons for m growth"));
  s.add(number("rule.dm_hidden", 4e-3, 0, kInf, "m increment, input->hidden synapses"));
  s.add(number("rule.dm_output", 1.5e-3, 0, kInf, "m increment, hidden->output synapses"));
  s.add(number("rule.m_max", 14, 0, kInf, "m ceiling"));
  s.add(choice("rule.m_sharing", "synapse", {"synapse", "post", "layer", "module"},
               "how many synapses share one m"));
  s.add(integer("rule.module_inputs", 8, 1, 1e6, "module sharing: inputs per m in the hidden layer"));
  s.add(integer("rule.module_hidden", 4, 1, 1e6, "module sharing: hidden neurons per m in the output layer"));
  s.add(choice("rule.ablation", "none", {"none", "decaying", "random_consolidation"},
               "decaying: a global p divided at each new task, a draw per synapse; "
               "random_consolidation: p values shuffled across synapses"));
  s.add(number("rule.decay_divisor", 2, 1, kInf, "decaying ablation: divisor of p at each new task"));
  s.add(number("rule.lr_hidden", 0.7, 0, kInf, "grad_acc: learning rate, hidden layer"));
  s.add(number("rule.lr_output", 0.007, 0, kInf, "grad_acc: learning rate, output layer"));
  s.add(number("rule.a_th_hidden", 0.8, 0, kInf, "grad_acc: accumulator threshold, hidden layer"));
  s.add(number("rule.a_th_output", 0.06, 0, kInf, "grad_acc: accumulator threshold, output layer"));

  // Memristive devices (SPEC §1.6).
  s.add(integer("device.n_mem", 7, 1, 64, "devices in parallel per synapse"));
  s.add(any("device.levels",
            json{{"count", 16}, {"g_min_us", 10.0}, {"g_max_us", 100.0}, {"sigma_frac", 0.05},
                 {"spacing", "conductance"}},
            "the level table: a generator {count, g_min_us, g_max_us, sigma_frac, spacing: "
            "conductance|resistance}, an array of {r_ohm, r_std_ohm}, or a CSV/JSON file path"));
  s.add(number("device.w_max_hidden", 4, 0, kInf, "weight of the all-highest-conductance hidden synapse"));
  s.add(number("device.w_max_output", 1.5, 0, kInf, "weight of the all-highest-conductance output synapse"));
  s.add(number("device.init_range", 1.0, 0, kInf, "initial weights spread evenly over [-range, range]"));
  s.add(number("device.stuck_at_low", 0, 0, 1, "fraction of devices stuck at the lowest conductance"));
  s.add(number("device.stuck_at_high", 0, 0, 1, "fraction of devices stuck at the highest conductance"));
  s.add(integer("device.endurance_cycles", 0, 0, 1e15,
                "write pulses after which a device wears out and stops changing; 0 = unlimited"));
  s.add(number("device.nonlinearity", 0, 0, 1,
               "soft-bound update nonlinearity: a pulse toward a bound fails with probability "
               "nonlinearity x (closeness to that bound)"));

  // The chip. The functional mode honours the arithmetic of tiles, converters, the RNG and
  // the p table too, so both modes compute the same numbers; the timed mode adds time and
  // energy. The paper presets keep ideal converters and the ideal RNG (the paper's floats).
  s.add(integer("tile.rows", 256, 1, 1e6, "word lines (inputs) per crossbar tile (NeuRRAM: 256x256 cores)"));
  s.add(integer("tile.cols", 256, 1, 1e6, "bit lines (neurons) per crossbar tile"));
  s.add(integer("adc.bits", 0, 0, 16, "ADC resolution; 0 = ideal conversion (costed as the reference ADC)"));
  s.add(number("adc.full_scale", 8.0, 1e-9, kInf, "ADC input range: [-full_scale, +full_scale] (weight units)"));
  s.add(integer("adc.columns_per_adc", 8, 1, 1e6, "bit lines multiplexed onto one ADC"));
  s.add(integer("dac.bits", 1, 0, 16, "row driver resolution (spikes need 1 bit; 0 = ideal)"));
  s.add(choice("rng.kind", "ideal", {"lfsr", "xorshift32", "trng", "ideal"},
               "on-chip RNG of the update gate; ideal = the software reference (53-bit uniform)"));
  s.add(integer("rng.bits", 16, 1, 32, "bits per draw compared with p_update (not used by ideal)"));
  s.add(integer("rng.lfsr_width", 16, 8, 32, "LFSR register length"));
  s.add(number("rng.trng_bias", 0.0, -0.49, 0.49, "TRNG: P(bit = 1) - 0.5 of the entropy source"));
  s.add(choice("rng.draw_policy", "layer", {"layer", "post", "synapse"},
               "one gate draw per layer per update event (the paper's), per post-neuron, or per synapse"));
  s.add(integer("controller.p_bits", 0, 0, 32, "resolution of the p_update lookup table; 0 = exact"));
  s.add(boolean("controller.write_verify", false,
                "program-and-verify: read the device before a write and after every pulse, and pulse again "
                "until it is within controller.verify_tolerance of its target level (changes learned numbers)"));
  s.add(integer("core.lanes", 32, 1, 1e6, "neurons a neuron core updates per clock cycle"));
  s.add(integer("mesh.width", 0, 0, 1024, "routers per mesh row; 0 = the smallest square that fits"));
  s.add(integer("mesh.height", 0, 0, 1024, "routers per mesh column; 0 = the smallest square that fits"));
  s.add(integer("mesh.flit_bits", 64, 1, 4096, "bits a link moves per packet slot (partial sums take several)"));
  s.add(number("clock.frequency_hz", 1e9, 1e3, 1e12, "chip clock; latencies are reported in its cycles"));
  s.add(integer("memory.m_bits", 16, 1, 32,
                "SRAM bits per metaplasticity variable m (fixed point over [0, m_max]; must resolve dm)"));
  s.add(integer("memory.acc_bits", 32, 1, 64,
                "SRAM bits per gradient accumulator (grad_acc; 32 = the float32 the model accumulates in)"));
  s.add(integer("memory.hidden_bits", 16, 0, 24,
                "fixed-point bits per high-precision hidden weight (System B's digital unit); 0 = 32-bit float"));
  s.add(number("endurance.samples_per_s", 1.0, 1e-9, 1e9,
               "training samples per second of the deployed chip, for the projected lifetime"));
  s.add(number("endurance.rated_cycles", 0, 0, 1e18,
               "write cycles a device survives; 0 = the tech table's endurance_cycles"));
  s.add(any("tech", json::object(), "technology constants: a path to a tech JSON file or inline overrides "
                                    "{name: {energy_pj, latency_ns, source}} (configs/tech/default.json)"));
  s.add(integer("trace.window_samples", 2, 0, 1e9, "samples recorded in timeline.json (timed mode)"));
  s.add(boolean("trace.vcd", false, "write signals.vcd (timed mode)"));
  add_qnn_keys(s);
  add_trace_window_keys(s);
  add_architect_keys(s);
  add_chip_keys(s);
  add_device_keys(s);
  return s;
}

}  // namespace

const Schema& run_schema() {
  static const Schema schema = build_run_schema();
  return schema;
}

}  // namespace mx
