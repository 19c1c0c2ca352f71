// Fused Adam update writing new variable, m and v to separate outputs; the
// gradient is multiplied by gradScale first (global-norm clipping).
#pragma once
#include <cstdint>

namespace curtain {

void adam(const float* var, const float* g, const float* m, const float* v, float* outVar, float* outM,
          float* outV, int64_t n, double lr, double beta1, double beta2, double eps, double step, int threads,
          float gradScale);

// Sum of the squares of x[0..n), accumulated in double.
double sumSquares(const float* x, int64_t n);

}  // namespace curtain
