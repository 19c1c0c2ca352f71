// Average pooling and nearest-neighbour resizing. The stock cpu kernels walk
// one element at a time through index arrays; these run the channel axis as a
// contiguous, vectorisable inner loop and split the batch across threads.
// Conventions follow tfjs-backend-cpu exactly: the forward average divides by
// the number of in-bounds taps, the gradient by kH * kW (as AvgPoolGrad does),
// and the nearest source row is min(inH - 1, floor(y * (inH / outH))) in double
// precision.
#include "pool.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "parallel.h"

namespace curtain {

namespace {
// Batch items per thread: at least one, and enough work to pay for a thread.
int64_t minBatchWork(int64_t perItem) { return std::max<int64_t>(1, kParallelMin / std::max<int64_t>(perItem, 1)); }

std::vector<int64_t> nearestSources(int64_t in, int64_t out) {
  std::vector<int64_t> src(out);
  const double ratio = static_cast<double>(in) / static_cast<double>(out);
  for (int64_t i = 0; i < out; ++i) src[i] = std::min<int64_t>(in - 1, static_cast<int64_t>(std::floor(ratio * i)));
  return src;
}
}  // namespace

void avgPoolForward(const PoolShape& s, const float* x, float* out, int threads) {
  const int64_t C = s.channels, perItem = s.outH * s.outW * C;
  parallelRange(s.batch, threads, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      for (int64_t oy = 0; oy < s.outH; ++oy) {
        const int64_t y0 = std::max<int64_t>(0, oy * s.strideH - s.padTop);
        const int64_t y1 = std::min<int64_t>(s.inH, oy * s.strideH - s.padTop + s.kH);
        for (int64_t ox = 0; ox < s.outW; ++ox) {
          const int64_t x0 = std::max<int64_t>(0, ox * s.strideW - s.padLeft);
          const int64_t x1 = std::min<int64_t>(s.inW, ox * s.strideW - s.padLeft + s.kW);
          float* __restrict o = out + ((b * s.outH + oy) * s.outW + ox) * C;
          std::memset(o, 0, sizeof(float) * C);
          for (int64_t y = y0; y < y1; ++y)
            for (int64_t xx = x0; xx < x1; ++xx) {
              const float* __restrict p = x + ((b * s.inH + y) * s.inW + xx) * C;
              for (int64_t c = 0; c < C; ++c) o[c] += p[c];
            }
          const int64_t count = (y1 > y0 && x1 > x0) ? (y1 - y0) * (x1 - x0) : 0;
          const float inv = count > 0 ? 1.f / static_cast<float>(count) : 0.f;
          for (int64_t c = 0; c < C; ++c) o[c] *= inv;
        }
      }
    }
  }, minBatchWork(perItem));
}

void avgPoolBackward(const PoolShape& s, const float* dy, float* dx, int threads) {
  const int64_t C = s.channels, perItem = s.inH * s.inW * C;
  const float scale = 1.f / static_cast<float>(s.kH * s.kW);
  parallelRange(s.batch, threads, [&](int64_t b0, int64_t b1) {
    // each batch item's dx is written by one thread only
    std::memset(dx + b0 * perItem, 0, sizeof(float) * (b1 - b0) * perItem);
    for (int64_t b = b0; b < b1; ++b) {
      for (int64_t oy = 0; oy < s.outH; ++oy) {
        const int64_t y0 = std::max<int64_t>(0, oy * s.strideH - s.padTop);
        const int64_t y1 = std::min<int64_t>(s.inH, oy * s.strideH - s.padTop + s.kH);
        for (int64_t ox = 0; ox < s.outW; ++ox) {
          const int64_t x0 = std::max<int64_t>(0, ox * s.strideW - s.padLeft);
          const int64_t x1 = std::min<int64_t>(s.inW, ox * s.strideW - s.padLeft + s.kW);
          const float* __restrict g = dy + ((b * s.outH + oy) * s.outW + ox) * C;
          for (int64_t y = y0; y < y1; ++y)
            for (int64_t xx = x0; xx < x1; ++xx) {
              float* __restrict d = dx + ((b * s.inH + y) * s.inW + xx) * C;
              for (int64_t c = 0; c < C; ++c) d[c] += g[c] * scale;
            }
        }
      }
    }
  }, minBatchWork(perItem));
}

void resizeNearestForward(int64_t batch, int64_t inH, int64_t inW, int64_t C, int64_t outH, int64_t outW,
                          const float* x, float* out, int threads) {
  const std::vector<int64_t> sy = nearestSources(inH, outH), sx = nearestSources(inW, outW);
  parallelRange(batch, threads, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b)
      for (int64_t y = 0; y < outH; ++y) {
        const float* row = x + (b * inH + sy[y]) * inW * C;
        float* o = out + (b * outH + y) * outW * C;
        for (int64_t xx = 0; xx < outW; ++xx) std::memcpy(o + xx * C, row + sx[xx] * C, sizeof(float) * C);
      }
  }, minBatchWork(outH * outW * C));
}

void resizeNearestBackward(int64_t batch, int64_t inH, int64_t inW, int64_t C, int64_t outH, int64_t outW,
                           const float* dy, float* dx, int threads) {
  const std::vector<int64_t> sy = nearestSources(inH, outH), sx = nearestSources(inW, outW);
  const int64_t perItem = inH * inW * C;
  parallelRange(batch, threads, [&](int64_t b0, int64_t b1) {
    std::memset(dx + b0 * perItem, 0, sizeof(float) * (b1 - b0) * perItem);
    for (int64_t b = b0; b < b1; ++b)
      for (int64_t y = 0; y < outH; ++y) {
        float* row = dx + (b * inH + sy[y]) * inW * C;
        const float* g = dy + (b * outH + y) * outW * C;
        for (int64_t xx = 0; xx < outW; ++xx) {
          float* __restrict d = row + sx[xx] * C;
          const float* __restrict gg = g + xx * C;
          for (int64_t c = 0; c < C; ++c) d[c] += gg[c];
        }
      }
  }, minBatchWork(outH * outW * C));
}

}  // namespace curtain
