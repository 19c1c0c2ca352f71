// Reductions of x viewed as [outer, r, inner] over the middle axis -> [outer, inner].
#pragma once
#include <cstdint>

namespace curtain {

enum ReduceOp { kSum = 0, kMean, kMaxR, kMinR };
void reduce(int op, const float* x, int64_t outer, int64_t r, int64_t inner, float* out, int threads);

}  // namespace curtain
