// Direct NHWC convolution for stride 1 and dilation 1, with no column matrix.
//
// im2col + GEMM writes a [pixels, kH*kW*inC] matrix that OpenBLAS then packs
// again; at the narrow channel counts of curtain's models (1 to 64) that
// copying costs more than the arithmetic. Here each image is copied once into
// a zero-bordered buffer and a register tile of P pixels x 8 or 16 output channels
// accumulates over (ky, kx, c) straight from it, 8 output channels per vector.
// The input gradient is the same forward pass over dy with the filter rotated
// by 180 degrees and its channel axes swapped; the filter gradient accumulates
// a tile of input channels x output channels over every pixel of an image.
#include "conv_direct.h"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <vector>

#include "parallel.h"

namespace curtain {
namespace {

typedef float v8 __attribute__((vector_size(32)));
typedef float v8u __attribute__((vector_size(32), aligned(4)));  // unaligned access

inline v8 load(const float* p) { return *reinterpret_cast<const v8u*>(p); }
inline void store(float* p, v8 v) { *reinterpret_cast<v8u*>(p) = v; }
inline v8 splat(float x) { return v8{x, x, x, x, x, x, x, x}; }
// Stores the first n (< 8) lanes of v.
inline void storePart(float* p, v8 v, int64_t n) {
  for (int64_t i = 0; i < n; ++i) p[i] = v[i];
}

// Below this many vector multiply-adds a convolution runs on one thread.
constexpr int64_t kDirectParallelMin = int64_t(1) << 20;

int64_t blocksOf(int64_t channels) { return (channels + 7) / 8; }

// One image [H, W, C] into [Hp, Wp, C] whose row r, column q hold source row
// r - top, column q - left, or zeros outside the source.
void padImage(const float* img, int64_t H, int64_t W, int64_t C, int64_t top, int64_t left, int64_t Hp, int64_t Wp,
              float* out) {
  const int64_t q0 = std::min(left, Wp), q1 = std::min(left + W, Wp);
  for (int64_t r = 0; r < Hp; ++r) {
    float* row = out + r * Wp * C;
    const int64_t sr = r - top;
    if (sr < 0 || sr >= H) {
      std::memset(row, 0, Wp * C * sizeof(float));
      continue;
    }
    std::memset(row, 0, q0 * C * sizeof(float));
    if (q1 > q0) std::memcpy(row + q0 * C, img + (sr * W + (q0 - left)) * C, (q1 - q0) * C * sizeof(float));
    std::memset(row + q1 * C, 0, (Wp - q1) * C * sizeof(float));
  }
}

// The filter [kH, kW, inC, outC] with outC padded with zeros to whole vectors:
// [kH, kW, inC, blocks*8].
std::vector<float> packFilter(const float* w, int64_t taps, int64_t inC, int64_t outC) {
  const int64_t stride = blocksOf(outC) * 8;
  std::vector<float> out(taps * inC * stride, 0.f);
  for (int64_t t = 0; t < taps * inC; ++t) std::memcpy(&out[t * stride], w + t * outC, outC * sizeof(float));
  return out;
}

// y[p][j*8 .. j*8+8) for P pixels in a row and NB output vectors starting at
// block `ob`: sum over ky of the contiguous run (kx, c) of the padded image.
template <int P, int NB>
void forwardTile(const ConvShape& s, const float* xpad, int64_t Wp, const float* wp, int64_t oy, int64_t ox, int64_t ob,
                 float* yimg) {
  const int64_t C = s.inC, stride = blocksOf(s.outC) * 8, run = s.kW * C;
  v8 acc[P][NB];
  for (int p = 0; p < P; ++p)
    for (int j = 0; j < NB; ++j) acc[p][j] = v8{};
  for (int64_t ky = 0; ky < s.kH; ++ky) {
    const float* xs = xpad + ((oy + ky) * Wp + ox) * C;
    const float* ws = wp + ky * run * stride + ob * 8;
    for (int64_t q = 0; q < run; ++q, ws += stride) {
      v8 w[NB];
      for (int j = 0; j < NB; ++j) w[j] = load(ws + 8 * j);
      for (int p = 0; p < P; ++p) {
        const v8 xb = splat(xs[p * C + q]);
        for (int j = 0; j < NB; ++j) acc[p][j] += xb * w[j];
      }
    }
  }
  for (int p = 0; p < P; ++p) {
    float* y = yimg + (oy * s.outW + ox + p) * s.outC + ob * 8;
    for (int j = 0; j < NB; ++j) {
      const int64_t left = s.outC - (ob + j) * 8;
      if (left >= 8) store(y + 8 * j, acc[p][j]);
      else storePart(y + 8 * j, acc[p][j], left);
    }
  }
}

// Pixels per tile for NB output vectors: 12 accumulators, leaving AVX2's other
// 4 registers for the filter vectors and the broadcast (tiles of 3 pixels x 4
// vectors spilled and ran at half the speed of 6 x 2 on the reference machine).
template <int NB>
constexpr int tilePixels() { return 12 / NB; }

template <int NB, int P = tilePixels<NB>()>
void forwardTail(const ConvShape& s, const float* xpad, int64_t Wp, const float* wp, int64_t oy, int64_t ox, int64_t ob,
                 float* yimg, int64_t n) {
  if constexpr (P > 1) {
    if (n < P) return forwardTail<NB, P - 1>(s, xpad, Wp, wp, oy, ox, ob, yimg, n);
  }
  forwardTile<P, NB>(s, xpad, Wp, wp, oy, ox, ob, yimg);
}

template <int NB>
void forwardRow(const ConvShape& s, const float* xpad, int64_t Wp, const float* wp, int64_t oy, int64_t ob, float* yimg) {
  constexpr int P = tilePixels<NB>();
  int64_t ox = 0;
  for (; ox + P <= s.outW; ox += P) forwardTile<P, NB>(s, xpad, Wp, wp, oy, ox, ob, yimg);
  if (ox < s.outW) forwardTail<NB>(s, xpad, Wp, wp, oy, ox, ob, yimg, s.outW - ox);
}

// The forward pass with an already packed filter.
void forwardPacked(const ConvShape& s, const float* x, const float* wp, float* y, int threads) {
  const int64_t Hp = s.outH + s.kH - 1, Wp = s.outW + s.kW - 1, blocks = blocksOf(s.outC);
  const int64_t work = s.batch * s.outH * s.outW * s.kH * s.kW * s.inC * blocks;
  parallelItems(s.batch, pickThreads(threads, work, kDirectParallelMin), [&](int64_t b0, int64_t b1) {
    std::vector<float> pad(Hp * Wp * s.inC);
    for (int64_t b = b0; b < b1; ++b) {
      padImage(x + b * s.inH * s.inW * s.inC, s.inH, s.inW, s.inC, s.padTop, s.padLeft, Hp, Wp, pad.data());
      float* yimg = y + b * s.outH * s.outW * s.outC;
      for (int64_t oy = 0; oy < s.outH; ++oy)
        for (int64_t ob = 0; ob < blocks; ob += 2) {
          if (blocks - ob == 1) forwardRow<1>(s, pad.data(), Wp, wp, oy, ob, yimg);
          else forwardRow<2>(s, pad.data(), Wp, wp, oy, ob, yimg);
        }
    }
  });
}

// dw[tap][c0 + i][ob*8 + 8j] += sum over the image's pixels of
// xpad[pixel shifted by the tap][c0 + i] * dy[pixel][ob*8 + 8j].
template <int PC, int NB>
void filterTile(const ConvShape& s, const float* xpad, int64_t Wp, const float* dyp, int64_t dyStride, int64_t ky,
                int64_t kx, int64_t c0, int64_t ob, float* dw) {
  const int64_t C = s.inC, stride = blocksOf(s.outC) * 8;
  v8 acc[PC][NB];
  for (int i = 0; i < PC; ++i)
    for (int j = 0; j < NB; ++j) acc[i][j] = v8{};
  for (int64_t oy = 0; oy < s.outH; ++oy) {
    const float* xr = xpad + ((oy + ky) * Wp + kx) * C + c0;
    const float* dr = dyp + oy * s.outW * dyStride + ob * 8;
    for (int64_t ox = 0; ox < s.outW; ++ox, xr += C, dr += dyStride) {
      v8 d[NB];
      for (int j = 0; j < NB; ++j) d[j] = load(dr + 8 * j);
      for (int i = 0; i < PC; ++i) {
        const v8 xb = splat(xr[i]);
        for (int j = 0; j < NB; ++j) acc[i][j] += xb * d[j];
      }
    }
  }
  float* out = dw + ((ky * s.kW + kx) * C + c0) * stride + ob * 8;
  for (int i = 0; i < PC; ++i)
    for (int j = 0; j < NB; ++j) store(out + i * stride + 8 * j, load(out + i * stride + 8 * j) + acc[i][j]);
}

template <int NB, int PC = tilePixels<NB>()>
void filterTail(const ConvShape& s, const float* xpad, int64_t Wp, const float* dyp, int64_t dyStride, int64_t ky,
                int64_t kx, int64_t c0, int64_t ob, float* dw, int64_t n) {
  if constexpr (PC > 1) {
    if (n < PC) return filterTail<NB, PC - 1>(s, xpad, Wp, dyp, dyStride, ky, kx, c0, ob, dw, n);
  }
  filterTile<PC, NB>(s, xpad, Wp, dyp, dyStride, ky, kx, c0, ob, dw);
}

template <int NB>
void filterTap(const ConvShape& s, const float* xpad, int64_t Wp, const float* dyp, int64_t dyStride, int64_t ky,
               int64_t kx, int64_t ob, float* dw) {
  constexpr int PC = tilePixels<NB>();
  int64_t c0 = 0;
  for (; c0 + PC <= s.inC; c0 += PC) filterTile<PC, NB>(s, xpad, Wp, dyp, dyStride, ky, kx, c0, ob, dw);
  if (c0 < s.inC) filterTail<NB>(s, xpad, Wp, dyp, dyStride, ky, kx, c0, ob, dw, s.inC - c0);
}

}  // namespace

bool directConvApplies(const ConvShape& s) {
  return s.strideH == 1 && s.strideW == 1 && s.dilH == 1 && s.dilW == 1 && s.padTop >= 0 && s.padTop < s.kH &&
         s.padLeft >= 0 && s.padLeft < s.kW && s.outH + s.kH - 1 >= s.inH + s.padTop &&
         s.outW + s.kW - 1 >= s.inW + s.padLeft && s.outH > 0 && s.outW > 0;
}

void directConvForward(const ConvShape& s, const float* x, const float* w, float* y, int threads) {
  const std::vector<float> wp = packFilter(w, s.kH * s.kW, s.inC, s.outC);
  forwardPacked(s, x, wp.data(), y, threads);
}

void directConvBackpropInput(const ConvShape& s, const float* dy, const float* w, float* dx, int threads) {
  // dx[iy, ix, c] = sum over (ky, kx, o) of dy[iy + padTop - ky, ix + padLeft - kx, o] * w[ky, kx, c, o]:
  // a forward convolution of dy with w'[ky', kx', o, c] = w[kH-1-ky', kW-1-kx', c, o].
  ConvShape t = s;
  t.inH = s.outH, t.inW = s.outW, t.inC = s.outC, t.outC = s.inC, t.outH = s.inH, t.outW = s.inW;
  t.padTop = s.kH - 1 - s.padTop, t.padLeft = s.kW - 1 - s.padLeft;
  const int64_t stride = blocksOf(t.outC) * 8, taps = s.kH * s.kW;
  std::vector<float> wp(taps * t.inC * stride, 0.f);
  for (int64_t tap = 0; tap < taps; ++tap) {
    const float* src = w + (taps - 1 - tap) * s.inC * s.outC;  // [inC, outC] of the rotated tap
    float* dst = &wp[tap * t.inC * stride];
    for (int64_t c = 0; c < s.inC; ++c)
      for (int64_t o = 0; o < s.outC; ++o) dst[o * stride + c] = src[c * s.outC + o];
  }
  forwardPacked(t, dy, wp.data(), dx, threads);
}

void directConvBackpropFilter(const ConvShape& s, const float* x, const float* dy, float* dw, int threads) {
  const int64_t Hp = s.outH + s.kH - 1, Wp = s.outW + s.kW - 1, blocks = blocksOf(s.outC), stride = blocks * 8;
  const int64_t taps = s.kH * s.kW, packDy = s.outC % 8 != 0;
  std::vector<float> total(taps * s.inC * stride, 0.f);
  std::mutex totalLock;
  const int64_t work = s.batch * s.outH * s.outW * taps * s.inC * blocks;
  parallelItems(s.batch, pickThreads(threads, work, kDirectParallelMin), [&](int64_t b0, int64_t b1) {
    std::vector<float> pad(Hp * Wp * s.inC), acc(total.size(), 0.f);
    std::vector<float> dyp(packDy ? s.outH * s.outW * stride : 0, 0.f);
    for (int64_t b = b0; b < b1; ++b) {
      padImage(x + b * s.inH * s.inW * s.inC, s.inH, s.inW, s.inC, s.padTop, s.padLeft, Hp, Wp, pad.data());
      const float* dyImg = dy + b * s.outH * s.outW * s.outC;
      if (packDy)
        for (int64_t p = 0; p < s.outH * s.outW; ++p) std::memcpy(&dyp[p * stride], dyImg + p * s.outC, s.outC * sizeof(float));
      const float* d = packDy ? dyp.data() : dyImg;
      const int64_t dyStride = packDy ? stride : s.outC;
      for (int64_t ky = 0; ky < s.kH; ++ky)
        for (int64_t kx = 0; kx < s.kW; ++kx)
          for (int64_t ob = 0; ob < blocks; ob += 2) {
            if (blocks - ob == 1) filterTap<1>(s, pad.data(), Wp, d, dyStride, ky, kx, ob, acc.data());
            else filterTap<2>(s, pad.data(), Wp, d, dyStride, ky, kx, ob, acc.data());
          }
    }
    std::lock_guard<std::mutex> hold(totalLock);
    for (size_t i = 0; i < total.size(); ++i) total[i] += acc[i];
  });
  for (int64_t t = 0; t < taps * s.inC; ++t) std::memcpy(dw + t * s.outC, &total[t * stride], s.outC * sizeof(float));
}

}  // namespace curtain
