#pragma once
// The hot loops (crossbar row accumulation, LIF updates, accumulators) are compiled twice:
// for AVX2 and for the baseline x86-64 the build targets, and the loader picks the one the
// CPU runs (GCC function multi-versioning). Both give the same results: the loops do
// element-wise arithmetic in the same order, only more elements at once.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define MX_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define MX_VECTOR_CLONES
#endif
