// NHWC average pooling and nearest-neighbour resizing with their gradients,
// with the index conventions of tfjs's cpu kernels (see pool.cc).
#pragma once
#include <cstdint>

namespace curtain {

struct PoolShape {
  int64_t batch, inH, inW, channels, outH, outW, kH, kW, strideH, strideW, padTop, padLeft;
};

// out[b, oy, ox, c] = mean of x over the in-bounds part of the window.
void avgPoolForward(const PoolShape& s, const float* x, float* out, int threads);
// dx[b, y, x, c] = sum over windows containing (y, x) of dy / (kH * kW).
void avgPoolBackward(const PoolShape& s, const float* dy, float* dx, int threads);
// out[b, y, x, c] = x[b, min(inH - 1, floor(y * inH / outH)), min(inW - 1, floor(x * inW / outW)), c]
// (alignCorners and halfPixelCenters false).
void resizeNearestForward(int64_t batch, int64_t inH, int64_t inW, int64_t channels, int64_t outH, int64_t outW,
                          const float* x, float* out, int threads);
// dx[b, iy, ix, c] = sum of dy over the output pixels whose source is (iy, ix), same mapping as forward.
void resizeNearestBackward(int64_t batch, int64_t inH, int64_t inW, int64_t channels, int64_t outH, int64_t outW,
                           const float* dy, float* dx, int threads);

}  // namespace curtain
