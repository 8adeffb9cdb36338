// System B's configuration keys (qnn.*). The optimizer defaults are SPEC §2's published
// values (Adam, lr 0.005, β 0.9/0.999) and m is in its 2..4; the presets
// (configs/paper/mnist_fmnist_qnn_*.json) set the loss and m we measured with.
#include "qnn/qnn_schema.h"

#include "common/error.h"
#include "config/schema_keys.h"

namespace mx {

using namespace keys;

void add_qnn_keys(Schema& s) {
  // The digital activation and the loss (tiles and converters are tile.*, adc.*, dac.*; the
  // hidden weights' width is memory.hidden_bits).
  s.add(number("qnn.hidden_gain", 0.2, 0, kInf,
               "digital gain from a hidden column sum, in units of w_max, to the clipped-ReLU input"));
  s.add(number("qnn.output_gain", 0.125, 0, kInf,
               "digital gain from an output column sum, in units of w_max, to its logit"));
  s.add(boolean("qnn.bias_row", true,
                "each crossbar gets one more word line held at full drive, whose devices are the biases"));
  s.add(choice("qnn.loss", "cross_entropy", {"cross_entropy", "hinge", "mse"},
               "output error: softmax cross-entropy, one-vs-all squared hinge, or squared error to one-hot"));
  s.add(number("qnn.margin", 1, 0, kInf, "hinge: the logit margin; mse: the target logit of the correct class"));

  // The digital unit's metaplastic storage and optimizer.
  s.add(number("qnn.hidden_range", 2, 0.5, 1e6,
               "hidden weights saturate at ±hidden_range·w_max (the fixed-point range)"));
  s.add(number("qnn.init_jitter", 1, 0, 1,
               "initial hidden weight: the device's level plus a uniform offset over this fraction of its "
               "rounding cell"));
  s.add(choice("qnn.optimizer", "adam", {"adam", "sgd"}, "optimizer of the hidden weights"));
  s.add(number("qnn.lr", 0.005, 0, kInf, "learning rate (hidden-weight units per step)"));
  s.add(number("qnn.beta1", 0.9, 0, 0.999999, "Adam first-moment decay"));
  s.add(number("qnn.beta2", 0.999, 0, 0.999999999, "Adam second-moment decay"));
  s.add(number("qnn.eps", 1e-8, 0, kInf, "Adam denominator offset"));
  s.add(boolean("qnn.reset_optimizer_at_task", false,
                "each task after the first starts with Adam's moments at zero and its bias correction restarted, "
                "as the metaplastic BNN code makes a new optimizer per task; false: one optimizer for the sequence"));
  s.add(number("qnn.lr_task_divisor", 1, 1e-3, 1e3,
               "task i (from 0) trains at qnn.lr / divisor^i, the BNN code's per-task gamma; 1 = one rate"));
  s.add(integer("qnn.batch", 32, 1, 1e6, "training samples per hidden-weight update (1 = online)"));

  s.add(choice("qnn.heads", "shared", {"shared", "per_task"},
               "shared: every task uses the same output neurons (SPEC §2's MNIST then Fashion-MNIST); per_task: "
               "each task trains and is tested on its own block of output columns, which needs the task's "
               "identity at inference"));

  // The per-neuron normalization the metaplastic BNNs use (src/qnn/neuron_norm.h).
  s.add(choice("qnn.norm", "none", {"none", "shared", "per_task"},
               "normalize each neuron by running statistics, then scale and shift by a learned gamma, beta; "
               "per_task: each task is tested with the state it ended its training with (task identity at "
               "inference, as the BNN code's default scenario)"));
  s.add(choice("qnn.norm_layers", "hidden", {"hidden", "output", "both"},
               "what qnn.norm normalizes: the hidden pre-activations, the logits, or both"));
  s.add(number("qnn.norm_momentum", 0.01, 0, 1, "weight of each training sample in the running statistics"));
  s.add(number("qnn.norm_gain", 0.15, 0, kInf,
               "initial gamma of the hidden neurons (0.15 kept the most MNIST of 0.1, 0.15 and 0.5 in "
               "docs/system_b_retention.md)"));
  s.add(number("qnn.norm_shift", 0, -kInf, kInf, "initial beta of the hidden neurons"));
  s.add(number("qnn.norm_output_gain", 1, 0, kInf, "initial gamma of the logits"));

  // Metaplasticity and device programming.
  s.add(number("qnn.meta_m", 4, 0, kInf,
               "metaplasticity m in f_meta = 1 - tanh^2(m|x|) on steps toward zero; 0 = off"));
  s.add(choice("qnn.meta_reference", "zero", {"zero", "interval"},
               "zero: x = W_h / w_max, toward weight 0; interval: x measured from the centre of the hidden "
               "weight's quantization interval, in half-widths (src/qnn/metaplastic_gate.h)"));
  s.add(integer("qnn.verify_max_pulses", 10, 0, 1e6,
                "program-and-verify: at most this many pulses per reprogramming, a verify read after each; "
                "0 = open loop (one pulse per level of difference, no read)"));
}

}  // namespace mx
