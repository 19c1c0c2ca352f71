// Tiny helpers for OpenMP-parallel loops; serial when OpenMP is absent.
#pragma once
#include <cstdint>
#ifdef _OPENMP
#include <omp.h>
#endif

namespace curtain {

// Below this many elements an elementwise pass runs on one thread.
constexpr int64_t kParallelMin = 1 << 19;

inline int pickThreads(int threads, int64_t work, int64_t minWork = kParallelMin) {
  if (threads < 1) threads = 1;
  if (work < minWork) return 1;
  int64_t half = minWork / 2 > 0 ? minWork / 2 : 1;
  int64_t maxUseful = work / half;
  if (maxUseful < threads) threads = static_cast<int>(maxUseful < 1 ? 1 : maxUseful);
  return threads;
}

// Calls fn(begin, end) over [0, n) split into contiguous chunks, one per thread.
template <typename F>
inline void parallelRange(int64_t n, int threads, F fn, int64_t minWork = kParallelMin) {
  int t = pickThreads(threads, n, minWork);
  if (t <= 1) { fn(int64_t(0), n); return; }
#ifdef _OPENMP
#pragma omp parallel num_threads(t)
  {
    int id = omp_get_thread_num();
    int nt = omp_get_num_threads();
    int64_t chunk = (n + nt - 1) / nt;
    chunk = (chunk + 15) & ~int64_t(15);
    int64_t b = id * chunk, e = b + chunk < n ? b + chunk : n;
    if (b < e) fn(b, e);
  }
#else
  fn(int64_t(0), n);
#endif
}

// Calls fn(begin, end) over [0, n) coarse items (whole images) split as evenly
// as possible over up to `threads` threads, with no rounding of the chunks.
template <typename F>
inline void parallelItems(int64_t n, int threads, F fn) {
  int t = threads < 1 ? 1 : (n < threads ? static_cast<int>(n) : threads);
  if (t <= 1) { fn(int64_t(0), n); return; }
#ifdef _OPENMP
#pragma omp parallel num_threads(t)
  {
    int id = omp_get_thread_num();
    int nt = omp_get_num_threads();
    int64_t b = n * id / nt, e = n * (id + 1) / nt;
    if (b < e) fn(b, e);
  }
#else
  fn(int64_t(0), n);
#endif
}

}  // namespace curtain
