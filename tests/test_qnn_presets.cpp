// The System B presets as a user runs them, reduced: MNIST then Fashion-MNIST through the
// command line, with and without metaplasticity, in both modes. The full reproduction is
// tools/reproduce_system_b.py; this is its smoke version.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "support/cli_harness.h"

namespace {

using mx::testing_support::Outcome;
using mx::testing_support::read_text;
using nlohmann::json;

bool have_mnist() { return std::filesystem::exists(MX_SOURCE_DIR "/data/mnist/train-images-idx3-ubyte.gz"); }

// 2 000 digits then 2 000 garments (500 tests each), a 256-unit hidden layer, 6 epochs.
json reduced_run(const std::string& preset, const std::string& mode, const std::string& out) {
  const Outcome run = mx::testing_support::run_metaxbar(
      "run " MX_SOURCE_DIR "/configs/paper/" + preset + ".json --mode " + mode +
      " --set data.dir=" MX_SOURCE_DIR "/data/mnist --set data.train_samples=2000 --set data.test_samples=500"
      " --set network.hidden=256 --set task.epochs=6 --set trace.window_samples=0 --out " + out);
  EXPECT_EQ(run.exit_code, 0) << run.output;
  return json::parse(read_text(out + "/summary.json"));
}

}  // namespace

TEST(SystemBPresets, MetaplasticityKeepsMoreOfMnistAndBothModesAgree) {
  if (!have_mnist()) GTEST_SKIP() << "data/mnist is absent (tools/setup.sh converts it)";
  const std::string dir = mx::testing_support::fresh_temp_dir("qnn_presets", "smoke");
  const json meta = reduced_run("mnist_fmnist_qnn_meta", "functional", dir + "/meta");
  const json nometa = reduced_run("mnist_fmnist_qnn_nometa", "functional", dir + "/nometa");
  const json& a = meta["accuracy"]["matrix"];
  const json& b = nometa["accuracy"]["matrix"];
  EXPECT_GT(a[0][0].get<double>(), 0.8);  // MNIST learned (chance 0.1)
  EXPECT_GT(b[0][0].get<double>(), 0.8);
  EXPECT_GT(b[1][1].get<double>(), 0.7);  // then Fashion-MNIST
  EXPECT_GT(a[1][1].get<double>(), 0.7);
  // Without metaplasticity Fashion-MNIST overwrites MNIST; with it, more of MNIST stays (at
  // this size 0.77 against 0.65 for seed 1; the full presets: see README).
  EXPECT_GT(a[1][0].get<double>(), b[1][0].get<double>() + 0.06) << meta["accuracy"].dump() << nometa["accuracy"].dump();

  // The timed chip computes the same numbers and adds energy, latency and the memory comparison.
  const json timed = reduced_run("mnist_fmnist_qnn_meta", "timed", dir + "/meta_timed");
  EXPECT_EQ(timed["accuracy"], meta["accuracy"]);
  EXPECT_EQ(timed["updates"], meta["updates"]);
  EXPECT_EQ(timed["digital_unit"], meta["digital_unit"]);
  EXPECT_GT(timed["energy_pj"]["update"].get<double>(), 0.0);
  EXPECT_GT(timed["latency"]["cycles_per_sample"]["train"].get<double>(), 0.0);
  EXPECT_TRUE(std::filesystem::exists(dir + "/meta_timed/timeline.json"));
  const json& memory = timed["memory_bits"];
  const uint64_t synapses = 785 * 256 + 257 * 10;  // bias rows included
  EXPECT_EQ(memory["synapses"].get<uint64_t>(), synapses);
  EXPECT_EQ(memory["consolidation_total"].get<uint64_t>(), synapses * 16);        // 16-bit hidden weights
  EXPECT_EQ(memory["optimizer_state_total"].get<uint64_t>(), synapses * 64);      // Adam's two float moments
  EXPECT_EQ(memory["system_a_same_size"]["prob_meta_total"].get<uint64_t>(), synapses * 16);
  EXPECT_EQ(memory["system_a_same_size"]["grad_acc_total"].get<uint64_t>(), synapses * 48);
  EXPECT_EQ(timed["seed"], 1);
}
