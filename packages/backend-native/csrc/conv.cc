// NHWC convolutions: 1x1 layers as one GEMM, the direct kernels (conv_direct.cc)
// for dilation 1 and padding smaller than the kernel, otherwise im2col /
// col2im with one GEMM per chunk of the column matrix, sized to stay in cache
// (kColsBudget).
#include "conv.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "conv_direct.h"
#include "gemm.h"
#include "parallel.h"
#include "scratch.h"

namespace curtain {
namespace {

// Floats of im2col columns per GEMM (64K floats, 256 KB): small enough that a
// chunk's columns are still in L2 when the GEMM reads them. The previous 16 MB
// chunks streamed every column through memory twice; on the 2-core reference
// machine the smaller chunks train the VAEs, the flow and DDPM 1.3x to 1.5x
// faster single-threaded (pnpm bench --suite train --threads 1).
constexpr int64_t kColsBudget = int64_t(1) << 16;

bool isPointwise(const ConvShape& s) {
  return s.kH == 1 && s.kW == 1 && s.strideH == 1 && s.strideW == 1 && s.padTop == 0 &&
         s.padLeft == 0 && s.outH == s.inH && s.outW == s.inW;
}

// Whole images per chunk (backprop input scatters per image), at least one.
int64_t chunkOf(const ConvShape& s) {
  int64_t perImage = s.outH * s.outW * s.kH * s.kW * s.inC;
  return std::max<int64_t>(1, std::min<int64_t>(s.batch, kColsBudget / std::max<int64_t>(perImage, 1)));
}

// Rows of the [batch * outH * outW, K] column matrix per chunk, at least 64.
int64_t rowChunkOf(const ConvShape& s) {
  const int64_t K = s.kH * s.kW * s.inC;
  return std::max<int64_t>(64, kColsBudget / std::max<int64_t>(K, 1));
}

// cols[r - r0][(ky*kW+kx)*inC+c] for column-matrix rows r = (b*outH+oy)*outW+ox in [r0, r0 + n).
void im2col(const ConvShape& s, const float* x, int64_t r0, int64_t n, float* cols, int threads) {
  const int64_t K = s.kH * s.kW * s.inC;
  parallelRange(n, threads, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) {
      const int64_t r = r0 + i;
      int64_t ox = r % s.outW, t = r / s.outW, oy = t % s.outH, b = t / s.outH;
      float* dst = cols + i * K;
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
  if (directConvApplies(s)) return directConvForward(s, x, w, y, threads);
  const int64_t total = s.batch * per, rowsPer = rowChunkOf(s);
  float* cols = scratch(kCols, std::min(rowsPer, total) * K);
  for (int64_t r0 = 0; r0 < total; r0 += rowsPer) {
    const int64_t n = std::min(rowsPer, total - r0);
    im2col(s, x, r0, n, cols, threads);
    gemm({false, false, n, s.outC, K, 1.f, cols, K, w, s.outC, 0.f, y + r0 * s.outC, s.outC}, useBlas, threads);
  }
}

void conv2dBackpropInput(const ConvShape& s, const float* dy, const float* w, float* dx, bool useBlas, int threads) {
  const int64_t K = s.kH * s.kW * s.inC, per = s.outH * s.outW;
  if (isPointwise(s)) {
    gemm({false, true, s.batch * per, K, s.outC, 1.f, dy, s.outC, w, s.outC, 0.f, dx, K}, useBlas, threads);
    return;
  }
  if (directConvApplies(s)) return directConvBackpropInput(s, dy, w, dx, threads);
  std::memset(dx, 0, s.batch * s.inH * s.inW * s.inC * sizeof(float));
  // Chunks of whole images, split over the threads: each thread runs its own
  // chunks' GEMM and scatter on one thread (a chunk's GEMM is often too small
  // to split, which left a strided layer's input gradient on one core).
  const int64_t chunk = chunkOf(s), chunks = (s.batch + chunk - 1) / chunk;
  const int t = chunks > 1 ? pickThreads(threads, s.batch * per * K * s.outC, int64_t(1) << 21) : 1;
  parallelItems(chunks, t, [&](int64_t c0, int64_t c1) {
    float* cols = scratch(kCols, chunk * per * K);
    for (int64_t c = c0; c < c1; ++c) {
      const int64_t b0 = c * chunk, nb = std::min(chunk, s.batch - b0);
      gemm({false, true, nb * per, K, s.outC, 1.f, dy + b0 * per * s.outC, s.outC, w, s.outC, 0.f, cols, K}, useBlas,
           t > 1 ? 1 : threads);
      col2im(s, cols, b0, nb, dx, t > 1 ? 1 : threads);
    }
  });
}

void conv2dBackpropFilter(const ConvShape& s, const float* x, const float* dy, float* dw, bool useBlas, int threads) {
  const int64_t K = s.kH * s.kW * s.inC, per = s.outH * s.outW;
  if (isPointwise(s)) {
    gemm({true, false, K, s.outC, s.batch * per, 1.f, x, K, dy, s.outC, 0.f, dw, s.outC}, useBlas, threads);
    return;
  }
  if (directConvApplies(s)) return directConvBackpropFilter(s, x, dy, dw, threads);
  const int64_t total = s.batch * per, rowsPer = rowChunkOf(s);
  float* cols = scratch(kCols, std::min(rowsPer, total) * K);
  for (int64_t r0 = 0; r0 < total; r0 += rowsPer) {
    const int64_t n = std::min(rowsPer, total - r0);
    im2col(s, x, r0, n, cols, threads);
    gemm({true, false, K, s.outC, n, 1.f, cols, K, dy + r0 * s.outC, s.outC, r0 == 0 ? 0.f : 1.f, dw, s.outC},
         useBlas, threads);
  }
}

}  // namespace curtain
