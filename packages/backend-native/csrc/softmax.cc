// One pass for the row maximum, one vectorised pass of exp (vecmath.h) for the
// normaliser, one pass for the output: three reads of a row instead of the
// six kernels (max, sub, exp, sum, log, sub) tfjs composes.
#include "softmax.h"

#include "parallel.h"
#include "vecmath.h"

namespace curtain {
namespace {

// The reductions carry `omp simd` so that they vectorise without -ffast-math.
inline float rowMax(const float* __restrict p, int64_t k) {
  float m = p[0];
#pragma omp simd reduction(max : m)
  for (int64_t j = 1; j < k; ++j) m = p[j] > m ? p[j] : m;
  return m;
}

inline float rowSum(const float* __restrict p, int64_t k) {
  float s = 0.f;
#pragma omp simd reduction(+ : s)
  for (int64_t j = 0; j < k; ++j) s += p[j];
  return s;
}

// sum_j exp(p[j] - m)
inline float sumExp(const float* __restrict p, int64_t k, float m) {
  float s = 0.f;
#pragma omp simd reduction(+ : s)
  for (int64_t j = 0; j < k; ++j) s += vm::exp(p[j] - m);
  return s;
}

template <typename F>
void forRows(int64_t rows, int64_t k, int threads, F fn) {
  int t = pickThreads(threads, rows * k);
  parallelRange(rows, t, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) fn(r);
  }, t > 1 ? 1 : rows + 1);
}

}  // namespace

void softmaxRows(const float* x, int64_t rows, int64_t k, bool logSpace, float* out, int threads) {
  forRows(rows, k, threads, [&](int64_t r) {
    const float* __restrict p = x + r * k;
    float* __restrict o = out + r * k;
    float m = rowMax(p, k);
    if (logSpace) {
      float lse = m + vm::log(sumExp(p, k, m));
      for (int64_t j = 0; j < k; ++j) o[j] = p[j] - lse;
    } else {
      for (int64_t j = 0; j < k; ++j) o[j] = vm::exp(p[j] - m);
      float inv = 1.f / rowSum(o, k);
      for (int64_t j = 0; j < k; ++j) o[j] *= inv;
    }
  });
}

void softmaxXent(const float* x, const int32_t* labels, int64_t rows, int64_t k, float* loss, int threads) {
  forRows(rows, k, threads, [&](int64_t r) {
    const float* p = x + r * k;
    float m = rowMax(p, k);
    loss[r] = (m + vm::log(sumExp(p, k, m))) - p[labels[r]];
  });
}

void softmaxXentGrad(const float* x, const int32_t* labels, const float* dy, int64_t rows, int64_t k, float* dx,
                     int threads) {
  forRows(rows, k, threads, [&](int64_t r) {
    const float* __restrict p = x + r * k;
    float* __restrict o = dx + r * k;
    float m = rowMax(p, k);
    for (int64_t j = 0; j < k; ++j) o[j] = vm::exp(p[j] - m);
    float scale = dy[r] / rowSum(o, k);
    for (int64_t j = 0; j < k; ++j) o[j] *= scale;
    o[labels[r]] -= dy[r];
  });
}

}  // namespace curtain
