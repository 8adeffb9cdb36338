// Per-sample cost of the functional kernels (System A, default config: 784-200-2, n_mem 7,
// 150 steps) on synthetic images with Fashion-MNIST-like brightness. Run:
//   build/bench_kernels --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include "common/random.h"
#include "config/config.h"
#include "snn/network.h"

namespace {

std::vector<std::vector<uint8_t>> synthetic_images(size_t count) {
  mx::Rng rng(99);
  std::vector<std::vector<uint8_t>> images(count, std::vector<uint8_t>(784));
  for (auto& image : images)
    for (auto& pixel : image) pixel = rng.uniform() < 0.5 ? 0 : static_cast<uint8_t>(rng.below(256));
  return images;
}

void run_samples(benchmark::State& state, const std::string& rule, bool train) {
  mx::Config config;
  config.set("rule.kind", rule);
  mx::SpikingNetwork network(config, 784, 2, 1);
  const auto images = synthetic_images(64);
  size_t i = 0;
  for (auto _ : state) {
    const auto result = network.run_sample(images[i % images.size()].data(), {}, train ? int(i % 2) : -1);
    benchmark::DoNotOptimize(result.prediction);
    ++i;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void BM_TrainSample_ProbMeta(benchmark::State& state) { run_samples(state, "prob_meta", true); }
void BM_TrainSample_GradAcc(benchmark::State& state) { run_samples(state, "grad_acc", true); }
void BM_InferSample(benchmark::State& state) { run_samples(state, "prob_meta", false); }

}  // namespace

BENCHMARK(BM_TrainSample_ProbMeta)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_TrainSample_GradAcc)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_InferSample)->Unit(benchmark::kMicrosecond);
BENCHMARK_MAIN();
