// Fused Adam update writing new variable, m and v to separate outputs.
#pragma once
#include <cstdint>

namespace curtain {

void adam(const float* var, const float* g, const float* m, const float* v, float* outVar, float* outM,
          float* outV, int64_t n, double lr, double beta1, double beta2, double eps, double step, int threads);

}  // namespace curtain
