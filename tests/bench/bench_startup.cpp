// What a run pays before its first sample, on full Fashion-MNIST (60 000 + 10 000 images):
// decoding the gzip IDX files, reading the decoded dataset cache, and everything up to the
// first sample of the default testbench (data, tasks, the network's devices).
//   build/bench_startup --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>

#include "config/config.h"
#include "data/dataset_cache.h"
#include "snn/network.h"
#include "tb/experiment.h"

namespace {

const char* kFashion = "/usr/share/datasets/fashion-mnist";

mx::DatasetCacheOptions scratch_cache() {
  mx::DatasetCacheOptions options;
  options.dir = (std::filesystem::temp_directory_path() / "mx_bench_startup_cache").string();
  return options;
}

void BM_LoadFashionFromGzip(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(mx::load_dataset_from_idx(kFashion, "fashion_mnist"));
}
BENCHMARK(BM_LoadFashionFromGzip)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_LoadFashionFromCache(benchmark::State& state) {
  const mx::DatasetCacheOptions options = scratch_cache();
  mx::load_dataset_cached(kFashion, "fashion_mnist", options);  // builds the file once
  for (auto _ : state) {
    mx::CacheUse use;
    benchmark::DoNotOptimize(mx::load_dataset_cached(kFashion, "fashion_mnist", options, &use));
    if (use != mx::CacheUse::hit) state.SkipWithError("the cache was not used");
  }
}
BENCHMARK(BM_LoadFashionFromCache)->Unit(benchmark::kMillisecond);

// The default testbench up to its first sample: tasks over the cached data, then System A's
// network with its devices programmed.
void BM_DefaultRunUpToFirstSample(benchmark::State& state) {
  ::setenv("METAXBAR_DATA_CACHE", scratch_cache().dir.c_str(), 1);
  mx::Config config;
  config.set("data.dir", kFashion);
  for (auto _ : state) {
    const mx::TaskSequence sequence = mx::build_task_sequence(config);
    const mx::Task& first = sequence.tasks.front();
    mx::SpikingNetwork network(config, first.dataset->pixels(), first.n_outputs, config.get_uint("seed"));
    benchmark::DoNotOptimize(network.hidden());
  }
}
BENCHMARK(BM_DefaultRunUpToFirstSample)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
