// Sums accumulate in double (as the JS cpu backend does); the inner>1 case
// walks rows contiguously so reductions over leading (batch) axes vectorise.
#include "reduce.h"

#include <cmath>
#include <vector>

#include "parallel.h"

namespace curtain {
namespace {

inline float pick(int op, float acc, float v) {
  if (op == kMaxR) return (v != v || v > acc) ? v : acc;
  return (v != v || v < acc) ? v : acc;
}

// Reduce contiguous runs of length r (inner == 1).
void reduceRows(int op, const float* x, int64_t outer, int64_t r, float* out, int threads) {
  int t = pickThreads(threads, outer * r);
  parallelRange(outer, t, [&](int64_t o0, int64_t o1) {
    for (int64_t o = o0; o < o1; ++o) {
      const float* p = x + o * r;
      if (op == kSum || op == kMean) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int64_t k = 0;
        for (; k + 4 <= r; k += 4) { s0 += p[k]; s1 += p[k + 1]; s2 += p[k + 2]; s3 += p[k + 3]; }
        for (; k < r; ++k) s0 += p[k];
        double s = (s0 + s1) + (s2 + s3);
        out[o] = static_cast<float>(op == kMean ? s / double(r) : s);
      } else {
        float acc = p[0];
        for (int64_t k = 1; k < r; ++k) acc = pick(op, acc, p[k]);
        out[o] = acc;
      }
    }
  }, t > 1 ? 1 : outer + 1);
}

// out[o, j] = reduce_k x[o, k, j]; threads split the j columns.
void reduceCols(int op, const float* x, int64_t outer, int64_t r, int64_t inner, float* out, int threads) {
  int t = pickThreads(threads, outer * r * inner);
  for (int64_t o = 0; o < outer; ++o) {
    const float* base = x + o * r * inner;
    float* dst = out + o * inner;
    parallelRange(inner, t, [&](int64_t j0, int64_t j1) {
      int64_t w = j1 - j0;
      if (op == kSum || op == kMean) {
        std::vector<double> acc(w, 0.0);
        double* a = acc.data();
        for (int64_t k = 0; k < r; ++k) {
          const float* row = base + k * inner + j0;
          for (int64_t j = 0; j < w; ++j) a[j] += row[j];
        }
        double scale = op == kMean ? 1.0 / double(r) : 1.0;
        for (int64_t j = 0; j < w; ++j) dst[j0 + j] = static_cast<float>(a[j] * scale);
      } else {
        for (int64_t j = 0; j < w; ++j) dst[j0 + j] = base[j0 + j];
        for (int64_t k = 1; k < r; ++k) {
          const float* row = base + k * inner + j0;
          for (int64_t j = 0; j < w; ++j) dst[j0 + j] = pick(op, dst[j0 + j], row[j]);
        }
      }
    }, t > 1 ? 16 : inner + 1);
  }
}

}  // namespace

void reduce(int op, const float* x, int64_t outer, int64_t r, int64_t inner, float* out, int threads) {
  if (r == 0) {
    float v = (op == kSum) ? 0.f : (op == kMean ? NAN : (op == kMaxR ? -INFINITY : INFINITY));
    for (int64_t i = 0; i < outer * inner; ++i) out[i] = v;
    return;
  }
  if (inner == 1) reduceRows(op, x, outer, r, out, threads);
  else reduceCols(op, x, outer, r, inner, out, threads);
}

}  // namespace curtain
