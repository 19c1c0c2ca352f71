// Direct NHWC convolution (dilation 1, any stride), with no column matrix.
//
// im2col + GEMM writes a [pixels, kH*kW*inC] matrix that OpenBLAS then packs
// again; at the narrow channel counts of curtain's models (1 to 64) that
// copying costs more than the arithmetic. Here each image is copied once into
// a zero-bordered buffer and a register tile of P pixels x 8 or 16 output channels
// accumulates over (ky, kx, c) straight from it, 8 output channels per vector.
// The input gradient is the same forward pass over dy with the filter rotated
// by 180 degrees and its channel axes swapped (stride 1 only: a strided
// layer's input gradient stays with im2col); the filter gradient accumulates
// a tile of input channels x output channels over every pixel of an image.
#include "conv_direct.h"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <vector>

#include "parallel.h"
#include "scratch.h"

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

// Rows (or columns) of the zero-bordered image that `out` outputs read.
int64_t paddedExtent(int64_t out, int64_t stride, int64_t kernel) { return (out - 1) * stride + kernel; }

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
  const int64_t C = s.inC, stride = blocksOf(s.outC) * 8, run = s.kW * C, step = s.strideW * C;
  v8 acc[P][NB];
  for (int p = 0; p < P; ++p)
    for (int j = 0; j < NB; ++j) acc[p][j] = v8{};
  for (int64_t ky = 0; ky < s.kH; ++ky) {
    const float* xs = xpad + ((oy * s.strideH + ky) * Wp + ox * s.strideW) * C;
    const float* ws = wp + ky * run * stride + ob * 8;
    for (int64_t q = 0; q < run; ++q, ws += stride) {
      v8 w[NB];
      for (int j = 0; j < NB; ++j) w[j] = load(ws + 8 * j);
      for (int p = 0; p < P; ++p) {
        const v8 xb = splat(xs[p * step + q]);
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

// Calls row(xpad, Wp, oy, yimg) for every output row of every image, each
// image copied once into a zero-bordered buffer; images split over threads.
template <typename Row>
void forEachRow(const ConvShape& s, const float* x, float* y, int64_t work, int threads, Row row) {
  const int64_t Hp = paddedExtent(s.outH, s.strideH, s.kH), Wp = paddedExtent(s.outW, s.strideW, s.kW);
  parallelItems(s.batch, pickThreads(threads, work, kDirectParallelMin), [&](int64_t b0, int64_t b1) {
    float* pad = scratch(kPadded, Hp * Wp * s.inC);  // this thread's, reused across calls
    for (int64_t b = b0; b < b1; ++b) {
      padImage(x + b * s.inH * s.inW * s.inC, s.inH, s.inW, s.inC, s.padTop, s.padLeft, Hp, Wp, pad);
      float* yimg = y + b * s.outH * s.outW * s.outC;
      for (int64_t oy = 0; oy < s.outH; ++oy) row(pad, Wp, oy, yimg);
    }
  });
}

// The forward pass vectorised over output channels (filter [kH, kW, inC, outC]).
void forwardWide(const ConvShape& s, const float* x, const float* w, float* y, int threads) {
  const std::vector<float> packed = packFilter(w, s.kH * s.kW, s.inC, s.outC);
  const float* wp = packed.data();
  const int64_t blocks = blocksOf(s.outC);
  const int64_t work = s.batch * s.outH * s.outW * s.kH * s.kW * s.inC * blocks;
  forEachRow(s, x, y, work, threads, [&](const float* xpad, int64_t Wp, int64_t oy, float* yimg) {
    for (int64_t ob = 0; ob < blocks; ob += 2) {
      if (blocks - ob == 1) forwardRow<1>(s, xpad, Wp, wp, oy, ob, yimg);
      else forwardRow<2>(s, xpad, Wp, wp, oy, ob, yimg);
    }
  });
}

inline float sumLanes(v8 v) { return ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7])); }

// y[p][o] for P pixels and all O (< 8) output channels: dot products over the
// contiguous run (kx, c) of each filter row, 8 products per vector, summed
// across lanes at the end. wt is the filter as [O, kH, kW * inC].
template <int P, int O>
void narrowTile(const ConvShape& s, const float* xpad, int64_t Wp, const float* wt, int64_t oy, int64_t ox, float* yimg) {
  const int64_t C = s.inC, run = s.kW * C, step = s.strideW * C, perO = s.kH * run;
  v8 acc[P][O];
  float rest[P][O];
  for (int p = 0; p < P; ++p)
    for (int o = 0; o < O; ++o) acc[p][o] = v8{}, rest[p][o] = 0.f;
  for (int64_t ky = 0; ky < s.kH; ++ky) {
    const float* xs = xpad + ((oy * s.strideH + ky) * Wp + ox * s.strideW) * C;
    const float* ws = wt + ky * run;
    int64_t q = 0;
    for (; q + 8 <= run; q += 8) {
      v8 w[O];
      for (int o = 0; o < O; ++o) w[o] = load(ws + o * perO + q);
      for (int p = 0; p < P; ++p) {
        const v8 xv = load(xs + p * step + q);
        for (int o = 0; o < O; ++o) acc[p][o] += xv * w[o];
      }
    }
    for (; q < run; ++q)
      for (int p = 0; p < P; ++p)
        for (int o = 0; o < O; ++o) rest[p][o] += xs[p * step + q] * ws[o * perO + q];
  }
  for (int p = 0; p < P; ++p)
    for (int o = 0; o < O; ++o) yimg[(oy * s.outW + ox + p) * s.outC + o] = sumLanes(acc[p][o]) + rest[p][o];
}

// 8 accumulators per tile: pixels per tile for O output channels.
template <int O>
constexpr int narrowPixels() { return O == 1 ? 8 : O == 2 ? 4 : 2; }

template <int O, int P = narrowPixels<O>()>
void narrowTail(const ConvShape& s, const float* xpad, int64_t Wp, const float* wt, int64_t oy, int64_t ox, float* yimg,
                int64_t n) {
  if constexpr (P > 1) {
    if (n < P) return narrowTail<O, P - 1>(s, xpad, Wp, wt, oy, ox, yimg, n);
  }
  narrowTile<P, O>(s, xpad, Wp, wt, oy, ox, yimg);
}

template <int O>
void narrowRow(const ConvShape& s, const float* xpad, int64_t Wp, const float* wt, int64_t oy, float* yimg) {
  constexpr int P = narrowPixels<O>();
  int64_t ox = 0;
  for (; ox + P <= s.outW; ox += P) narrowTile<P, O>(s, xpad, Wp, wt, oy, ox, yimg);
  if (ox < s.outW) narrowTail<O>(s, xpad, Wp, wt, oy, ox, yimg, s.outW - ox);
}

// The forward pass vectorised over the filter's (kx, c) runs, for 1 to 4 output channels.
void forwardNarrow(const ConvShape& s, const float* x, const float* w, float* y, int threads) {
  const int64_t taps = s.kH * s.kW, perO = taps * s.inC;
  std::vector<float> wt(s.outC * perO);
  for (int64_t o = 0; o < s.outC; ++o)
    for (int64_t t = 0; t < perO; ++t) wt[o * perO + t] = w[t * s.outC + o];
  const int64_t work = s.batch * s.outH * s.outW * s.outC * (perO / 8 + 1);
  forEachRow(s, x, y, work, threads, [&](const float* xpad, int64_t Wp, int64_t oy, float* yimg) {
    switch (s.outC) {
      case 1: narrowRow<1>(s, xpad, Wp, wt.data(), oy, yimg); break;
      case 2: narrowRow<2>(s, xpad, Wp, wt.data(), oy, yimg); break;
      case 3: narrowRow<3>(s, xpad, Wp, wt.data(), oy, yimg); break;
      default: narrowRow<4>(s, xpad, Wp, wt.data(), oy, yimg); break;
    }
  });
}

// Up to 4 output channels with runs of at least a vector: the narrow kernel
// fills every lane where the wide one would fill outC of 8 (flow, 28x28 32->2:
// 3.2 ms wide on the reference machine).
bool narrowApplies(const ConvShape& s) { return s.outC <= 4 && s.kW * s.inC >= 8; }

void forwardAny(const ConvShape& s, const float* x, const float* w, float* y, int threads) {
  if (narrowApplies(s)) forwardNarrow(s, x, w, y, threads);
  else forwardWide(s, x, w, y, threads);
}

// dw[ky][q0 + i][ob*8 + 8j] += sum over the image's pixels of
// xpad[pixel shifted by ky rows][q0 + i] * dy[pixel][ob*8 + 8j], where q runs
// over a filter row's (kx, c) pairs, contiguous in both xpad and dw (so a
// layer with 1 or 2 input channels still fills a tile).
template <int PC, int NB>
void filterTile(const ConvShape& s, const float* xpad, int64_t Wp, const float* dyp, int64_t dyStride, int64_t ky,
                int64_t q0, int64_t ob, float* dw) {
  const int64_t C = s.inC, stride = blocksOf(s.outC) * 8, step = s.strideW * C;
  v8 acc[PC][NB];
  for (int i = 0; i < PC; ++i)
    for (int j = 0; j < NB; ++j) acc[i][j] = v8{};
  for (int64_t oy = 0; oy < s.outH; ++oy) {
    const float* xr = xpad + (oy * s.strideH + ky) * Wp * C + q0;
    const float* dr = dyp + oy * s.outW * dyStride + ob * 8;
    for (int64_t ox = 0; ox < s.outW; ++ox, xr += step, dr += dyStride) {
      v8 d[NB];
      for (int j = 0; j < NB; ++j) d[j] = load(dr + 8 * j);
      for (int i = 0; i < PC; ++i) {
        const v8 xb = splat(xr[i]);
        for (int j = 0; j < NB; ++j) acc[i][j] += xb * d[j];
      }
    }
  }
  float* out = dw + (ky * s.kW * C + q0) * stride + ob * 8;
  for (int i = 0; i < PC; ++i)
    for (int j = 0; j < NB; ++j) store(out + i * stride + 8 * j, load(out + i * stride + 8 * j) + acc[i][j]);
}

template <int NB, int PC = tilePixels<NB>()>
void filterTail(const ConvShape& s, const float* xpad, int64_t Wp, const float* dyp, int64_t dyStride, int64_t ky,
                int64_t q0, int64_t ob, float* dw, int64_t n) {
  if constexpr (PC > 1) {
    if (n < PC) return filterTail<NB, PC - 1>(s, xpad, Wp, dyp, dyStride, ky, q0, ob, dw, n);
  }
  filterTile<PC, NB>(s, xpad, Wp, dyp, dyStride, ky, q0, ob, dw);
}

// One filter row (ky): every (kx, c) pair of it, in tiles.
template <int NB>
void filterRow(const ConvShape& s, const float* xpad, int64_t Wp, const float* dyp, int64_t dyStride, int64_t ky,
               int64_t ob, float* dw) {
  constexpr int PC = tilePixels<NB>();
  const int64_t run = s.kW * s.inC;
  int64_t q0 = 0;
  for (; q0 + PC <= run; q0 += PC) filterTile<PC, NB>(s, xpad, Wp, dyp, dyStride, ky, q0, ob, dw);
  if (q0 < run) filterTail<NB>(s, xpad, Wp, dyp, dyStride, ky, q0, ob, dw, run - q0);
}

// dw[ky][q0 + 8v + lane][o] += sum over the image's pixels of
// xpad[pixel shifted by ky rows][q0 + 8v + lane] * dy[pixel][o] (q over the
// filter row's (kx, c) pairs), for CV vectors of q and all O (< 8) output
// channels: vectorised over the inputs, for layers with few outputs.
template <int CV, int O>
void narrowFilterTile(const ConvShape& s, const float* xpad, int64_t Wp, const float* dyImg, int64_t ky, int64_t q0,
                      float* dw, int64_t dwStride) {
  const int64_t C = s.inC, step = s.strideW * C;
  v8 acc[CV][O];
  for (int v = 0; v < CV; ++v)
    for (int o = 0; o < O; ++o) acc[v][o] = v8{};
  for (int64_t oy = 0; oy < s.outH; ++oy) {
    const float* xr = xpad + (oy * s.strideH + ky) * Wp * C + q0;
    const float* d = dyImg + oy * s.outW * O;
    for (int64_t ox = 0; ox < s.outW; ++ox, xr += step, d += O) {
      v8 db[O];
      for (int o = 0; o < O; ++o) db[o] = splat(d[o]);
      for (int v = 0; v < CV; ++v) {
        const v8 xv = load(xr + 8 * v);
        for (int o = 0; o < O; ++o) acc[v][o] += xv * db[o];
      }
    }
  }
  float* out = dw + (ky * s.kW * C + q0) * dwStride;
  for (int v = 0; v < CV; ++v)
    for (int lane = 0; lane < 8; ++lane)
      for (int o = 0; o < O; ++o) out[(8 * v + lane) * dwStride + o] += acc[v][o][lane];
}

template <int O>
void narrowFilterRow(const ConvShape& s, const float* xpad, int64_t Wp, const float* dyImg, int64_t ky, float* dw,
                     int64_t dwStride) {
  constexpr int CV = 8 / O;  // 8 accumulators
  const int64_t run = s.kW * s.inC;
  int64_t q0 = 0;
  for (; q0 + 8 * CV <= run; q0 += 8 * CV) narrowFilterTile<CV, O>(s, xpad, Wp, dyImg, ky, q0, dw, dwStride);
  for (; q0 < run; q0 += 8) narrowFilterTile<1, O>(s, xpad, Wp, dyImg, ky, q0, dw, dwStride);
}

}  // namespace

bool directConvApplies(const ConvShape& s) {
  return s.dilH == 1 && s.dilW == 1 && s.padTop >= 0 && s.padTop < s.kH && s.padLeft >= 0 && s.padLeft < s.kW &&
         s.outH > 0 && s.outW > 0;
}

void directConvForward(const ConvShape& s, const float* x, const float* w, float* y, int threads) {
  forwardAny(s, x, w, y, threads);
}

void directConvBackpropInput(const ConvShape& s, const float* dy, const float* w, float* dx, int threads) {
  // dx[iy, ix, c] = sum over (ky, kx, o) of dy[iy + padTop - ky, ix + padLeft - kx, o] * w[ky, kx, c, o]:
  // a forward convolution of dy with w'[ky', kx', o, c] = w[kH-1-ky', kW-1-kx', c, o].
  ConvShape t = s;
  t.inH = s.outH, t.inW = s.outW, t.inC = s.outC, t.outC = s.inC, t.outH = s.inH, t.outW = s.inW;
  t.padTop = s.kH - 1 - s.padTop, t.padLeft = s.kW - 1 - s.padLeft;
  const int64_t taps = s.kH * s.kW;
  std::vector<float> rotated(taps * s.inC * s.outC);
  for (int64_t tap = 0; tap < taps; ++tap) {
    const float* src = w + (taps - 1 - tap) * s.inC * s.outC;  // [inC, outC] of the rotated tap
    float* dst = &rotated[tap * s.inC * s.outC];                // [outC, inC]
    for (int64_t c = 0; c < s.inC; ++c)
      for (int64_t o = 0; o < s.outC; ++o) dst[o * s.inC + c] = src[c * s.outC + o];
  }
  forwardAny(t, dy, rotated.data(), dx, threads);
}

void directConvBackpropFilter(const ConvShape& s, const float* x, const float* dy, float* dw, int threads) {
  const int64_t Hp = paddedExtent(s.outH, s.strideH, s.kH), Wp = paddedExtent(s.outW, s.strideW, s.kW);
  const int64_t blocks = blocksOf(s.outC), stride = blocks * 8;
  const int64_t taps = s.kH * s.kW;
  // few output channels and whole vectors of input channels: vectorise over the inputs
  const bool narrow = s.outC <= 4 && (s.kW * s.inC) % 8 == 0;
  const bool packDy = !narrow && s.outC % 8 != 0;
  std::vector<float> total(taps * s.inC * stride, 0.f);
  std::mutex totalLock;
  const int64_t work = s.batch * s.outH * s.outW * taps * s.inC * blocks;
  parallelItems(s.batch, pickThreads(threads, work, kDirectParallelMin), [&](int64_t b0, int64_t b1) {
    // this thread's buffers, reused across calls: the padded image, its share of dw, dy with whole vectors
    float* pad = scratch(kPadded, Hp * Wp * s.inC);
    float* acc = scratch(kFilterAcc, total.size());
    std::memset(acc, 0, total.size() * sizeof(float));
    float* dyp = packDy ? scratch(kDyPacked, s.outH * s.outW * stride) : nullptr;
    if (packDy) std::memset(dyp, 0, s.outH * s.outW * stride * sizeof(float));
    for (int64_t b = b0; b < b1; ++b) {
      padImage(x + b * s.inH * s.inW * s.inC, s.inH, s.inW, s.inC, s.padTop, s.padLeft, Hp, Wp, pad);
      const float* dyImg = dy + b * s.outH * s.outW * s.outC;
      if (narrow) {
        for (int64_t ky = 0; ky < s.kH; ++ky) switch (s.outC) {
            case 1: narrowFilterRow<1>(s, pad, Wp, dyImg, ky, acc, stride); break;
            case 2: narrowFilterRow<2>(s, pad, Wp, dyImg, ky, acc, stride); break;
            case 3: narrowFilterRow<3>(s, pad, Wp, dyImg, ky, acc, stride); break;
            default: narrowFilterRow<4>(s, pad, Wp, dyImg, ky, acc, stride); break;
          }
        continue;
      }
      if (packDy)
        for (int64_t p = 0; p < s.outH * s.outW; ++p) std::memcpy(&dyp[p * stride], dyImg + p * s.outC, s.outC * sizeof(float));
      const float* d = packDy ? dyp : dyImg;
      const int64_t dyStride = packDy ? stride : s.outC;
      for (int64_t ky = 0; ky < s.kH; ++ky)
        for (int64_t ob = 0; ob < blocks; ob += 2) {
          if (blocks - ob == 1) filterRow<1>(s, pad, Wp, d, dyStride, ky, ob, acc);
          else filterRow<2>(s, pad, Wp, d, dyStride, ky, ob, acc);
        }
    }
    std::lock_guard<std::mutex> hold(totalLock);
    for (size_t i = 0; i < total.size(); ++i) total[i] += acc[i];
  });
  for (int64_t t = 0; t < taps * s.inC; ++t) std::memcpy(dw + t * s.outC, &total[t * stride], s.outC * sizeof(float));
}

}  // namespace curtain
