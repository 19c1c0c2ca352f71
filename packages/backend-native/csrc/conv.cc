// im2col / col2im for NHWC convolutions; the heavy lifting is one GEMM per
// batch chunk (chunks bound the im2col buffer to ~16M floats).
#include "conv.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "gemm.h"
#include "parallel.h"
#include "scratch.h"

namespace curtain {
namespace {

constexpr int64_t kColsBudget = int64_t(1) << 22;  // floats (16 MB) of im2col columns per chunk

bool isPointwise(const ConvShape& s) {
  return s.kH == 1 && s.kW == 1 && s.strideH == 1 && s.strideW == 1 && s.padTop == 0 &&
         s.padLeft == 0 && s.outH == s.inH && s.outW == s.inW;
}

int64_t chunkOf(const ConvShape& s) {
  int64_t perImage = s.outH * s.outW * s.kH * s.kW * s.inC;
  return std::max<int64_t>(1, std::min<int64_t>(s.batch, kColsBudget / std::max<int64_t>(perImage, 1)));
}

// cols[(b*outH+oy)*outW+ox][(ky*kW+kx)*inC+c] for images [b0, b0+nb).
void im2col(const ConvShape& s, const float* x, int64_t b0, int64_t nb, float* cols, int threads) {
  const int64_t K = s.kH * s.kW * s.inC, rows = nb * s.outH * s.outW;
  parallelRange(rows, threads, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      int64_t ox = r % s.outW, t = r / s.outW, oy = t % s.outH, b = b0 + t / s.outH;
      float* dst = cols + r * K;
      for (int64_t ky = 0; ky < s.kH; ++ky) {
        int64_t iy = oy * s.strideH - s.padTop + ky * s.dilH;
        for (int64_t kx = 0; kx < s.kW; ++kx, dst += s.inC) {
          int64_t ix = ox * s.strideW - s.padLeft + kx * s.dilW;
          const bool outside = iy < 0 || iy >= s.inH || ix < 0 || ix >= s.inW;
          if (s.inC < 16) {  // a call per few floats costs more than the copy
            const float* src = outside ? nullptr : x + ((b * s.inH + iy) * s.inW + ix) * s.inC;
            for (int64_t c = 0; c < s.inC; ++c) dst[c] = outside ? 0.f : src[c];
          } else if (outside) {
            std::memset(dst, 0, s.inC * sizeof(float));
          } else {
            std::memcpy(dst, x + ((b * s.inH + iy) * s.inW + ix) * s.inC, s.inC * sizeof(float));
          }
        }
      }
    }
  }, 64);
}

// dx[b0..b0+nb) += scatter of cols (dx must be zeroed by the caller).
void col2im(const ConvShape& s, const float* cols, int64_t b0, int64_t nb, float* dx, int threads) {
  const int64_t K = s.kH * s.kW * s.inC;
  parallelRange(nb, threads, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) {
      int64_t b = b0 + i;
      float* img = dx + b * s.inH * s.inW * s.inC;
      for (int64_t oy = 0; oy < s.outH; ++oy)
        for (int64_t ox = 0; ox < s.outW; ++ox) {
          const float* src = cols + ((i * s.outH + oy) * s.outW + ox) * K;
          for (int64_t ky = 0; ky < s.kH; ++ky) {
            int64_t iy = oy * s.strideH - s.padTop + ky * s.dilH;
            for (int64_t kx = 0; kx < s.kW; ++kx, src += s.inC) {
              int64_t ix = ox * s.strideW - s.padLeft + kx * s.dilW;
              if (iy < 0 || iy >= s.inH || ix < 0 || ix >= s.inW) continue;
              float* d = img + (iy * s.inW + ix) * s.inC;
              for (int64_t c = 0; c < s.inC; ++c) d[c] += src[c];
            }
          }
        }
    }
  }, 1);
}

}  // namespace

void conv2dForward(const ConvShape& s, const float* x, const float* w, float* y, bool useBlas, int threads) {
  const int64_t K = s.kH * s.kW * s.inC, per = s.outH * s.outW;
  if (isPointwise(s)) {
    gemm({false, false, s.batch * per, s.outC, K, 1.f, x, K, w, s.outC, 0.f, y, s.outC}, useBlas, threads);
    return;
  }
  int64_t chunk = chunkOf(s);
  float* cols = scratch(kCols, chunk * per * K);
  for (int64_t b0 = 0; b0 < s.batch; b0 += chunk) {
    int64_t nb = std::min(chunk, s.batch - b0);
    im2col(s, x, b0, nb, cols, threads);
    gemm({false, false, nb * per, s.outC, K, 1.f, cols, K, w, s.outC, 0.f, y + b0 * per * s.outC, s.outC},
         useBlas, threads);
  }
}

void conv2dBackpropInput(const ConvShape& s, const float* dy, const float* w, float* dx, bool useBlas, int threads) {
  const int64_t K = s.kH * s.kW * s.inC, per = s.outH * s.outW;
  if (isPointwise(s)) {
    gemm({false, true, s.batch * per, K, s.outC, 1.f, dy, s.outC, w, s.outC, 0.f, dx, K}, useBlas, threads);
    return;
  }
  std::memset(dx, 0, s.batch * s.inH * s.inW * s.inC * sizeof(float));
  int64_t chunk = chunkOf(s);
  float* cols = scratch(kCols, chunk * per * K);
  for (int64_t b0 = 0; b0 < s.batch; b0 += chunk) {
    int64_t nb = std::min(chunk, s.batch - b0);
    gemm({false, true, nb * per, K, s.outC, 1.f, dy + b0 * per * s.outC, s.outC, w, s.outC, 0.f, cols, K},
         useBlas, threads);
    col2im(s, cols, b0, nb, dx, threads);
  }
}

void conv2dBackpropFilter(const ConvShape& s, const float* x, const float* dy, float* dw, bool useBlas, int threads) {
  const int64_t K = s.kH * s.kW * s.inC, per = s.outH * s.outW;
  if (isPointwise(s)) {
    gemm({true, false, K, s.outC, s.batch * per, 1.f, x, K, dy, s.outC, 0.f, dw, s.outC}, useBlas, threads);
    return;
  }
  int64_t chunk = chunkOf(s);
  float* cols = scratch(kCols, chunk * per * K);
  for (int64_t b0 = 0; b0 < s.batch; b0 += chunk) {
    int64_t nb = std::min(chunk, s.batch - b0);
    im2col(s, x, b0, nb, cols, threads);
    gemm({true, false, K, s.outC, nb * per, 1.f, cols, K, dy + b0 * per * s.outC, s.outC,
          b0 == 0 ? 0.f : 1.f, dw, s.outC},
         useBlas, threads);
  }
}

}  // namespace curtain
