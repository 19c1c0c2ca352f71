// Each kernel reads its inputs once and writes its output once (tfjs composes
// SiLU's gradient from six kernels and the gate's from ten); the inner loops
// vectorise through vecmath.h.
#include "activations.h"

#include "parallel.h"
#include "vecmath.h"

namespace curtain {

void siluForward(const float* x, float* out, int64_t n, int threads) {
  parallelRange(n, threads, [&](int64_t i0, int64_t i1) {
    const float* __restrict p = x;
    float* __restrict o = out;
    for (int64_t i = i0; i < i1; ++i) o[i] = p[i] * vm::sigmoid(p[i]);
  });
}

void siluBackward(const float* x, const float* dy, float* dx, int64_t n, int threads) {
  parallelRange(n, threads, [&](int64_t i0, int64_t i1) {
    const float* __restrict p = x;
    const float* __restrict g = dy;
    float* __restrict o = dx;
    for (int64_t i = i0; i < i1; ++i) {
      float s = vm::sigmoid(p[i]);
      o[i] = g[i] * s * (1.f + p[i] * (1.f - s));
    }
  });
}

void gateForward(const float* x, int64_t rows, int64_t f, float* out, int threads) {
  int t = pickThreads(threads, rows * f);
  parallelRange(rows, t, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const float* __restrict a = x + r * 2 * f;
      const float* __restrict b = a + f;
      float* __restrict o = out + r * f;
      for (int64_t j = 0; j < f; ++j) o[j] = vm::tanh(a[j]) * vm::sigmoid(b[j]);
    }
  }, t > 1 ? 1 : rows + 1);
}

void gateBackward(const float* x, const float* dy, int64_t rows, int64_t f, float* dx, int threads) {
  int t = pickThreads(threads, rows * f);
  parallelRange(rows, t, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const float* __restrict a = x + r * 2 * f;
      const float* __restrict b = a + f;
      const float* __restrict g = dy + r * f;
      float* __restrict da = dx + r * 2 * f;
      float* __restrict db = da + f;
      for (int64_t j = 0; j < f; ++j) {
        float th = vm::tanh(a[j]), s = vm::sigmoid(b[j]);
        da[j] = g[j] * s * (1.f - th * th);
        db[j] = g[j] * th * s * (1.f - s);
      }
    }
  }, t > 1 ? 1 : rows + 1);
}

}  // namespace curtain
