// One odometer over the outer dimensions of the box, one contiguous run of the
// last dimension per step (memcpy for long runs, a loop for short ones).
#include "movement.h"

#include <cstring>
#include <vector>

namespace curtain {

void copyBox(const float* src, const int64_t* shape, const int64_t* begin, const int64_t* size, float* dst,
             const int64_t* dstShape, const int64_t* dstBegin, int rank) {
  std::vector<int64_t> srcStride(rank, 1), dstStride(rank, 1), index(rank, 0);
  for (int d = rank - 2; d >= 0; --d) {
    srcStride[d] = srcStride[d + 1] * shape[d + 1];
    dstStride[d] = dstStride[d + 1] * dstShape[d + 1];
  }
  int64_t s = 0, t = 0, total = 1;
  for (int d = 0; d < rank; ++d) {
    s += begin[d] * srcStride[d];
    t += dstBegin[d] * dstStride[d];
    if (d < rank - 1) total *= size[d];
  }
  const int64_t run = size[rank - 1];
  for (int64_t n = 0; n < total; ++n) {
    if (run >= 16) std::memcpy(dst + t, src + s, run * sizeof(float));
    else
      for (int64_t i = 0; i < run; ++i) dst[t + i] = src[s + i];
    for (int d = rank - 2; d >= 0; --d) {
      s += srcStride[d];
      t += dstStride[d];
      if (++index[d] < size[d]) break;
      s -= size[d] * srcStride[d];
      t -= size[d] * dstStride[d];
      index[d] = 0;
    }
  }
}

}  // namespace curtain
