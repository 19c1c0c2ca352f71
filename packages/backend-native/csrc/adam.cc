// m' = b1 m + (1-b1) g;  v' = b2 v + (1-b2) g^2;
// var' = var - lr * (m' / (1 - b1^t)) / (sqrt(v' / (1 - b2^t)) + eps),
// with g the gradient times the clipping scale.
#include "adam.h"

#include <cmath>

#include "parallel.h"

namespace curtain {
namespace {

// Separate function so that __restrict reaches the loop (lambda captures lose it).
void adamRange(const float* __restrict var, const float* __restrict g, const float* __restrict m,
               const float* __restrict v, float* __restrict outVar, float* __restrict outM,
               float* __restrict outV, int64_t n, float b1, float b2, float c1, float c2, float mScale,
               float vScale, float lr, float eps, float gradScale) {
  for (int64_t i = 0; i < n; ++i) {
    float gi = g[i] * gradScale;
    float mi = b1 * m[i] + c1 * gi;
    float vi = b2 * v[i] + c2 * gi * gi;
    outM[i] = mi;
    outV[i] = vi;
    outVar[i] = var[i] - lr * (mi * mScale) / (std::sqrt(vi * vScale) + eps);
  }
}

}  // namespace

void adam(const float* __restrict var, const float* __restrict g, const float* __restrict m,
          const float* __restrict v, float* __restrict outVar, float* __restrict outM, float* __restrict outV,
          int64_t n, double lr, double beta1, double beta2, double eps, double step, int threads,
          float gradScale) {
  const float b1 = float(beta1), b2 = float(beta2), c1 = float(1 - beta1), c2 = float(1 - beta2);
  const float mScale = float(1.0 / (1.0 - std::pow(beta1, step)));
  const float vScale = float(1.0 / (1.0 - std::pow(beta2, step)));
  const float flr = float(lr), feps = float(eps);
  parallelRange(n, threads, [&](int64_t i0, int64_t i1) {
    adamRange(var + i0, g + i0, m + i0, v + i0, outVar + i0, outM + i0, outV + i0, i1 - i0, b1, b2, c1, c2,
              mScale, vScale, flr, feps, gradScale);
  });
}

double sumSquares(const float* x, int64_t n) {
  // float partial sums over short blocks (vectorised), added up in double
  double total = 0;
  for (int64_t i0 = 0; i0 < n; i0 += 1024) {
    const int64_t i1 = i0 + 1024 < n ? i0 + 1024 : n;
    float part = 0.f;
    for (int64_t i = i0; i < i1; ++i) part += x[i] * x[i];
    total += part;
  }
  return total;
}

}  // namespace curtain
