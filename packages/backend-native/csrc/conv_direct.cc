// Direct NHWC convolution (dilation 1, any stride), with no column matrix.
//
// im2col + GEMM writes a [pixels, kH*kW*inC] matrix that OpenBLAS then packs
// again; at the narrow channel counts of curtain's models (1 to 64) that
// copying costs more than the arithmetic. Here each image is copied once into
// a zero-bordered buffer and a register tile of P pixels x 1 or 2 vectors of
// output channels accumulates over (ky, kx, c) straight from it (a vector: 16
// channels with AVX-512, 8 with AVX2).
// The input gradient is the same forward pass over dy with the filter rotated
// by 180 degrees and its channel axes swapped (a strided layer: one such pass
// per output phase); the filter gradient accumulates a tile of input channels
// x output channels over every pixel of an image. Layers with one vector of
// outputs take output (or filter) rows in pairs; the filter-gradient tiles
// also serve A^T B products of tall, narrow matrices (directGemm).
#include "conv_direct.h"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <utility>
#include <vector>

#include "parallel.h"
#include "scratch.h"

namespace curtain {
namespace {

// One vector: 16 floats where the compiler targets AVX-512 (32 vector
// registers), 8 with AVX2 (16 registers). kAccumulators is how many vectors a
// tile keeps in registers, leaving room for the operands and the broadcast.
#ifdef __AVX512F__
constexpr int kLanes = 16;
constexpr int kAccumulators = 24;
#else
constexpr int kLanes = 8;
constexpr int kAccumulators = 12;
#endif
typedef float vec __attribute__((vector_size(4 * kLanes)));
typedef float vecu __attribute__((vector_size(4 * kLanes), aligned(4)));  // unaligned access

inline vec load(const float* p) { return *reinterpret_cast<const vecu*>(p); }
inline void store(float* p, vec v) { *reinterpret_cast<vecu*>(p) = v; }
// x in every lane. (vec{} + x compiled to a scalar add of +0.0, which GCC may
// not drop, before each broadcast: half the speed of one-vector tiles.)
template <size_t... Lane>
inline vec splatLanes(float x, std::index_sequence<Lane...>) {
  return vec{((void)Lane, x)...};
}
inline vec splat(float x) { return splatLanes(x, std::make_index_sequence<kLanes>()); }
// Stores the first n (< kLanes) lanes of v.
inline void storePart(float* p, vec v, int64_t n) {
  for (int64_t i = 0; i < n; ++i) p[i] = v[i];
}

// Below this many vector multiply-adds a convolution runs on one thread.
constexpr int64_t kDirectParallelMin = int64_t(1) << 20;

int64_t blocksOf(int64_t channels) { return (channels + kLanes - 1) / kLanes; }

// Rows (or columns) of the zero-bordered image that `out` outputs read.
int64_t paddedExtent(int64_t out, int64_t stride, int64_t kernel) { return (out - 1) * stride + kernel; }

// One image [H, W, C] into [Hp, Wp, C] whose row r, column q hold source row
// r - top, column q - left, or zeros outside the source (top and left may be
// negative: the image's first rows or columns are then skipped).
void padImage(const float* img, int64_t H, int64_t W, int64_t C, int64_t top, int64_t left, int64_t Hp, int64_t Wp,
              float* out) {
  const int64_t q0 = std::clamp(left, int64_t(0), Wp), q1 = std::clamp(left + W, q0, Wp);
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
// [kH, kW, inC, blocks*kLanes].
std::vector<float> packFilter(const float* w, int64_t taps, int64_t inC, int64_t outC) {
  const int64_t stride = blocksOf(outC) * kLanes;
  std::vector<float> out(taps * inC * stride, 0.f);
  for (int64_t t = 0; t < taps * inC; ++t) std::memcpy(&out[t * stride], w + t * outC, outC * sizeof(float));
  return out;
}

// y[p][(ob+j)*kLanes ..) for P pixels in a row and NB output vectors starting at
// block `ob`: sum over ky of the contiguous run (kx, c) of the padded image.
template <int P, int NB>
void forwardTile(const ConvShape& s, const float* xpad, int64_t Wp, const float* wp, int64_t oy, int64_t ox, int64_t ob,
                 float* yimg) {
  const int64_t C = s.inC, stride = blocksOf(s.outC) * kLanes, run = s.kW * C, step = s.strideW * C;
  vec acc[P][NB];
  for (int p = 0; p < P; ++p)
    for (int j = 0; j < NB; ++j) acc[p][j] = vec{};
  for (int64_t ky = 0; ky < s.kH; ++ky) {
    const float* xs = xpad + ((oy * s.strideH + ky) * Wp + ox * s.strideW) * C;
    const float* ws = wp + ky * run * stride + ob * kLanes;
    for (int64_t q = 0; q < run; ++q, ws += stride) {
      vec w[NB];
      for (int j = 0; j < NB; ++j) w[j] = load(ws + kLanes * j);
      for (int p = 0; p < P; ++p) {
        const vec xb = splat(xs[p * step + q]);
        for (int j = 0; j < NB; ++j) acc[p][j] += xb * w[j];
      }
    }
  }
  for (int p = 0; p < P; ++p) {
    float* y = yimg + (oy * s.outW + ox + p) * s.outC + ob * kLanes;
    for (int j = 0; j < NB; ++j) {
      const int64_t left = s.outC - (ob + j) * kLanes;
      if (left >= kLanes) store(y + kLanes * j, acc[p][j]);
      else storePart(y + kLanes * j, acc[p][j], left);
    }
  }
}

// Calls tile(begin, size) over [0, n) in ceil(n / most) tiles of nearly equal
// size: a row of 28 pixels in tiles of at most 24 runs as 14 + 14, not 24 + 4,
// whose short tile has too few accumulators to hide the multiply-add latency.
template <typename Tile>
void forEvenTile(int64_t n, int64_t most, Tile tile) {
  int64_t begin = 0;
  for (int64_t left = (n + most - 1) / most; left > 0; --left) {
    const int64_t size = (n - begin + left - 1) / left;
    tile(begin, size);
    begin += size;
  }
}

// Pixels per tile for NB output vectors: kAccumulators in all, leaving the
// other registers for the filter vectors and the broadcast (with AVX2, tiles of
// 3 pixels x 4 vectors spilled and ran at half the speed of 6 x 2).
template <int NB>
constexpr int tilePixels() { return kAccumulators / NB; }

template <int NB, int P = tilePixels<NB>()>
void forwardTileN(const ConvShape& s, const float* xpad, int64_t Wp, const float* wp, int64_t oy, int64_t ox, int64_t ob,
                 float* yimg, int64_t n) {
  if constexpr (P > 1) {
    if (n < P) return forwardTileN<NB, P - 1>(s, xpad, Wp, wp, oy, ox, ob, yimg, n);
  }
  forwardTile<P, NB>(s, xpad, Wp, wp, oy, ox, ob, yimg);
}

template <int NB>
void forwardRow(const ConvShape& s, const float* xpad, int64_t Wp, const float* wp, int64_t oy, int64_t ob, float* yimg) {
  forEvenTile(s.outW, tilePixels<NB>(), [&](int64_t ox, int64_t n) { forwardTileN<NB>(s, xpad, Wp, wp, oy, ox, ob, yimg, n); });
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
// Output rows oy and oy + 1 of a stride-1 layer with one vector of output
// channels, P pixels each: input row oy + r feeds row oy through filter row r
// and row oy + 1 through filter row r - 1, so each broadcast input value serves
// two multiply-adds where a one-row tile gives it one (the loads of the
// broadcasts, not the multiply-adds, bound a one-vector tile).
template <int P>
void pairTile(const ConvShape& s, const float* xpad, int64_t Wp, const float* wp, int64_t oy, int64_t ox, float* yimg) {
  const int64_t C = s.inC, stride = kLanes, run = s.kW * C;
  vec top[P], bottom[P];
  for (int p = 0; p < P; ++p) top[p] = vec{}, bottom[p] = vec{};
  for (int64_t r = 0; r <= s.kH; ++r) {
    const float* xs = xpad + ((oy + r) * Wp + ox) * C;
    const float* w0 = wp + r * run * stride;        // filter row r, for output row oy
    const float* w1 = wp + (r - 1) * run * stride;  // filter row r - 1, for output row oy + 1
    if (r == 0) {
      for (int64_t q = 0; q < run; ++q) {
        const vec a = load(w0 + q * stride);
        for (int p = 0; p < P; ++p) top[p] += splat(xs[p * C + q]) * a;
      }
    } else if (r == s.kH) {
      for (int64_t q = 0; q < run; ++q) {
        const vec b = load(w1 + q * stride);
        for (int p = 0; p < P; ++p) bottom[p] += splat(xs[p * C + q]) * b;
      }
    } else {
      for (int64_t q = 0; q < run; ++q) {
        const vec a = load(w0 + q * stride), b = load(w1 + q * stride);
        for (int p = 0; p < P; ++p) {
          const vec xb = splat(xs[p * C + q]);
          top[p] += xb * a;
          bottom[p] += xb * b;
        }
      }
    }
  }
  for (int p = 0; p < P; ++p) {
    float* y0 = yimg + (oy * s.outW + ox + p) * s.outC;
    float* y1 = y0 + s.outW * s.outC;
    if (s.outC == kLanes) store(y0, top[p]), store(y1, bottom[p]);
    else storePart(y0, top[p], s.outC), storePart(y1, bottom[p], s.outC);
  }
}

template <int P = kAccumulators / 2>
void pairTileN(const ConvShape& s, const float* xpad, int64_t Wp, const float* wp, int64_t oy, int64_t ox, float* yimg,
               int64_t n) {
  if constexpr (P > 1) {
    if (n < P) return pairTileN<P - 1>(s, xpad, Wp, wp, oy, ox, yimg, n);
  }
  pairTile<P>(s, xpad, Wp, wp, oy, ox, yimg);
}

void forwardWide(const ConvShape& s, const float* x, const float* w, float* y, int threads) {
  const std::vector<float> packed = packFilter(w, s.kH * s.kW, s.inC, s.outC);
  const float* wp = packed.data();
  const int64_t blocks = blocksOf(s.outC);
  const int64_t work = s.batch * s.outH * s.outW * s.kH * s.kW * s.inC * blocks;
  const bool pairs = blocks == 1 && s.strideH == 1 && s.strideW == 1;
  forEachRow(s, x, y, work, threads, [&](const float* xpad, int64_t Wp, int64_t oy, float* yimg) {
    if (pairs) {  // rows in pairs: the odd rows were written with the even ones
      if (oy % 2 == 1) return;
      if (oy + 1 < s.outH) {
        forEvenTile(s.outW, kAccumulators / 2, [&](int64_t ox, int64_t n) { pairTileN(s, xpad, Wp, wp, oy, ox, yimg, n); });
        return;
      }
    }
    for (int64_t ob = 0; ob < blocks; ob += 2) {
      if (blocks - ob == 1) forwardRow<1>(s, xpad, Wp, wp, oy, ob, yimg);
      else forwardRow<2>(s, xpad, Wp, wp, oy, ob, yimg);
    }
  });
}

typedef int32_t lanes __attribute__((vector_size(4 * kLanes)));

// Lane indices i ^ half: swaps the two halves of every block of 2 * half lanes.
template <size_t... Lane>
inline lanes swapHalves(int32_t half, std::index_sequence<Lane...>) {
  return lanes{static_cast<int32_t>(Lane ^ half)...};
}

// The sum of v's lanes by halving (log2 kLanes shuffles and adds): a lane-by-lane
// scalar sum cost more than the multiply-adds of a narrow tile with 16 lanes.
inline float sumLanes(vec v) {
  for (int32_t half = kLanes / 2; half >= 1; half /= 2)
    v += __builtin_shuffle(v, swapHalves(half, std::make_index_sequence<kLanes>()));
  return v[0];
}

// y[p][o] for P pixels and all O (<= 4) output channels: dot products over the
// contiguous run (kx, c) of each filter row, kLanes products per vector, summed
// across lanes at the end. wt is the filter as [O, kH, kW * inC].
template <int P, int O>
void narrowTile(const ConvShape& s, const float* xpad, int64_t Wp, const float* wt, int64_t oy, int64_t ox, float* yimg) {
  const int64_t C = s.inC, run = s.kW * C, step = s.strideW * C, perO = s.kH * run;
  vec acc[P][O];
  float rest[P][O];
  for (int p = 0; p < P; ++p)
    for (int o = 0; o < O; ++o) acc[p][o] = vec{}, rest[p][o] = 0.f;
  for (int64_t ky = 0; ky < s.kH; ++ky) {
    const float* xs = xpad + ((oy * s.strideH + ky) * Wp + ox * s.strideW) * C;
    const float* ws = wt + ky * run;
    int64_t q = 0;
    for (; q + kLanes <= run; q += kLanes) {
      vec w[O];
      for (int o = 0; o < O; ++o) w[o] = load(ws + o * perO + q);
      for (int p = 0; p < P; ++p) {
        const vec xv = load(xs + p * step + q);
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

// Pixels per tile for O output channels: two thirds of kAccumulators (8 with AVX2).
template <int O>
constexpr int narrowPixels() { return O == 1 ? kAccumulators * 2 / 3 : O == 2 ? kAccumulators / 3 : kAccumulators / 6; }

template <int O, int P = narrowPixels<O>()>
void narrowTileN(const ConvShape& s, const float* xpad, int64_t Wp, const float* wt, int64_t oy, int64_t ox, float* yimg,
                int64_t n) {
  if constexpr (P > 1) {
    if (n < P) return narrowTileN<O, P - 1>(s, xpad, Wp, wt, oy, ox, yimg, n);
  }
  narrowTile<P, O>(s, xpad, Wp, wt, oy, ox, yimg);
}

template <int O>
void narrowRow(const ConvShape& s, const float* xpad, int64_t Wp, const float* wt, int64_t oy, float* yimg) {
  forEvenTile(s.outW, narrowPixels<O>(), [&](int64_t ox, int64_t n) { narrowTileN<O>(s, xpad, Wp, wt, oy, ox, yimg, n); });
}

// The forward pass vectorised over the filter's (kx, c) runs, for 1 to 4 output channels.
void forwardNarrow(const ConvShape& s, const float* x, const float* w, float* y, int threads) {
  const int64_t taps = s.kH * s.kW, perO = taps * s.inC;
  std::vector<float> wt(s.outC * perO);
  for (int64_t o = 0; o < s.outC; ++o)
    for (int64_t t = 0; t < perO; ++t) wt[o * perO + t] = w[t * s.outC + o];
  const int64_t work = s.batch * s.outH * s.outW * s.outC * (perO / kLanes + 1);
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
// fills every lane where the wide one would fill outC of kLanes (flow, 28x28 32->2:
// 3.2 ms wide on the reference machine).
bool narrowApplies(const ConvShape& s) { return s.outC <= 4 && s.kW * s.inC >= kLanes; }

void forwardAny(const ConvShape& s, const float* x, const float* w, float* y, int threads) {
  if (narrowApplies(s)) forwardNarrow(s, x, w, y, threads);
  else forwardWide(s, x, w, y, threads);
}

// dw[ky][q0 + i][(ob+j)*kLanes ..) += sum over the image's pixels of
// xpad[pixel shifted by ky rows][q0 + i] * dy[pixel][(ob+j)*kLanes ..), where q runs
// over a filter row's (kx, c) pairs, contiguous in both xpad and dw (so a
// layer with 1 or 2 input channels still fills a tile).
template <int PC, int NB>
void filterTile(const ConvShape& s, const float* xpad, int64_t Wp, const float* dyp, int64_t dyStride, int64_t ky,
                int64_t q0, int64_t ob, float* dw) {
  const int64_t C = s.inC, stride = blocksOf(s.outC) * kLanes, step = s.strideW * C;
  vec acc[PC][NB];
  for (int i = 0; i < PC; ++i)
    for (int j = 0; j < NB; ++j) acc[i][j] = vec{};
  for (int64_t oy = 0; oy < s.outH; ++oy) {
    const float* xr = xpad + (oy * s.strideH + ky) * Wp * C + q0;
    const float* dr = dyp + oy * s.outW * dyStride + ob * kLanes;
    for (int64_t ox = 0; ox < s.outW; ++ox, xr += step, dr += dyStride) {
      vec d[NB];
      for (int j = 0; j < NB; ++j) d[j] = load(dr + kLanes * j);
      for (int i = 0; i < PC; ++i) {
        const vec xb = splat(xr[i]);
        for (int j = 0; j < NB; ++j) acc[i][j] += xb * d[j];
      }
    }
  }
  float* out = dw + (ky * s.kW * C + q0) * stride + ob * kLanes;
  for (int i = 0; i < PC; ++i)
    for (int j = 0; j < NB; ++j) store(out + i * stride + kLanes * j, load(out + i * stride + kLanes * j) + acc[i][j]);
}

// Filter rows ky and ky + 1 of a stride-1 layer with one vector of output
// channels, for PC of a row's (kx, c) pairs: image row r meets dy row r - ky
// through filter row ky and dy row r - ky - 1 through filter row ky + 1, so
// each broadcast input value serves two multiply-adds (as in pairTile).
template <int PC>
void filterPairTile(const ConvShape& s, const float* xpad, int64_t Wp, const float* dyp, int64_t dyStride, int64_t ky,
                    int64_t q0, float* dw) {
  const int64_t C = s.inC;
  vec upper[PC], lower[PC];  // filter rows ky and ky + 1
  for (int i = 0; i < PC; ++i) upper[i] = vec{}, lower[i] = vec{};
  for (int64_t r = ky; r <= ky + s.outH; ++r) {
    const float* xr = xpad + r * Wp * C + q0;
    const float* d0 = dyp + (r - ky) * s.outW * dyStride;      // dy row r - ky, for filter row ky
    const float* d1 = dyp + (r - ky - 1) * s.outW * dyStride;  // dy row r - ky - 1, for filter row ky + 1
    if (r == ky) {
      for (int64_t ox = 0; ox < s.outW; ++ox, xr += C, d0 += dyStride) {
        const vec a = load(d0);
        for (int i = 0; i < PC; ++i) upper[i] += splat(xr[i]) * a;
      }
    } else if (r == ky + s.outH) {
      for (int64_t ox = 0; ox < s.outW; ++ox, xr += C, d1 += dyStride) {
        const vec b = load(d1);
        for (int i = 0; i < PC; ++i) lower[i] += splat(xr[i]) * b;
      }
    } else {
      for (int64_t ox = 0; ox < s.outW; ++ox, xr += C, d0 += dyStride, d1 += dyStride) {
        const vec a = load(d0), b = load(d1);
        for (int i = 0; i < PC; ++i) {
          const vec xb = splat(xr[i]);
          upper[i] += xb * a;
          lower[i] += xb * b;
        }
      }
    }
  }
  const int64_t rowStride = s.kW * C * kLanes;  // one filter row of the [kH, kW * inC, kLanes] accumulator
  float* out = dw + (ky * s.kW * C + q0) * kLanes;
  for (int i = 0; i < PC; ++i) {
    store(out + i * kLanes, load(out + i * kLanes) + upper[i]);
    store(out + rowStride + i * kLanes, load(out + rowStride + i * kLanes) + lower[i]);
  }
}

template <int PC = kAccumulators / 2>
void filterPairTileN(const ConvShape& s, const float* xpad, int64_t Wp, const float* dyp, int64_t dyStride, int64_t ky,
                     int64_t q0, float* dw, int64_t n) {
  if constexpr (PC > 1) {
    if (n < PC) return filterPairTileN<PC - 1>(s, xpad, Wp, dyp, dyStride, ky, q0, dw, n);
  }
  filterPairTile<PC>(s, xpad, Wp, dyp, dyStride, ky, q0, dw);
}

template <int NB, int PC = tilePixels<NB>()>
void filterTileN(const ConvShape& s, const float* xpad, int64_t Wp, const float* dyp, int64_t dyStride, int64_t ky,
                int64_t q0, int64_t ob, float* dw, int64_t n) {
  if constexpr (PC > 1) {
    if (n < PC) return filterTileN<NB, PC - 1>(s, xpad, Wp, dyp, dyStride, ky, q0, ob, dw, n);
  }
  filterTile<PC, NB>(s, xpad, Wp, dyp, dyStride, ky, q0, ob, dw);
}

// One filter row (ky): every (kx, c) pair of it, in tiles.
template <int NB>
void filterRow(const ConvShape& s, const float* xpad, int64_t Wp, const float* dyp, int64_t dyStride, int64_t ky,
               int64_t ob, float* dw) {
  forEvenTile(s.kW * s.inC, tilePixels<NB>(), [&](int64_t q0, int64_t n) { filterTileN<NB>(s, xpad, Wp, dyp, dyStride, ky, q0, ob, dw, n); });
}

// dw[ky][q0 + kLanes*v + lane][o] += sum over the image's pixels of
// xpad[pixel shifted by ky rows][q0 + kLanes*v + lane] * dy[pixel][o] (q over the
// filter row's (kx, c) pairs), for CV vectors of q and all O (<= 4) output
// channels: vectorised over the inputs, for layers with few outputs.
template <int CV, int O>
void narrowFilterTile(const ConvShape& s, const float* xpad, int64_t Wp, const float* dyImg, int64_t ky, int64_t q0,
                      float* dw, int64_t dwStride) {
  const int64_t C = s.inC, step = s.strideW * C;
  vec acc[CV][O];
  for (int v = 0; v < CV; ++v)
    for (int o = 0; o < O; ++o) acc[v][o] = vec{};
  for (int64_t oy = 0; oy < s.outH; ++oy) {
    const float* xr = xpad + (oy * s.strideH + ky) * Wp * C + q0;
    const float* d = dyImg + oy * s.outW * O;
    for (int64_t ox = 0; ox < s.outW; ++ox, xr += step, d += O) {
      vec db[O];
      for (int o = 0; o < O; ++o) db[o] = splat(d[o]);
      for (int v = 0; v < CV; ++v) {
        const vec xv = load(xr + kLanes * v);
        for (int o = 0; o < O; ++o) acc[v][o] += xv * db[o];
      }
    }
  }
  float* out = dw + (ky * s.kW * C + q0) * dwStride;
  for (int v = 0; v < CV; ++v)
    for (int lane = 0; lane < kLanes; ++lane)
      for (int o = 0; o < O; ++o) out[(kLanes * v + lane) * dwStride + o] += acc[v][o][lane];
}

template <int O, int CV = kAccumulators * 2 / 3 / O>
void narrowFilterTileN(const ConvShape& s, const float* xpad, int64_t Wp, const float* dyImg, int64_t ky, int64_t q0,
                       float* dw, int64_t dwStride, int64_t n) {
  if constexpr (CV > 1) {
    if (n < CV) return narrowFilterTileN<O, CV - 1>(s, xpad, Wp, dyImg, ky, q0, dw, dwStride, n);
  }
  narrowFilterTile<CV, O>(s, xpad, Wp, dyImg, ky, q0, dw, dwStride);
}

// A filter row's run in near-equal tiles of whole vectors (a run of 6 vectors
// as one tile of 6, where tiles of at most 8 used to leave it 6 tiles of 1,
// each a pass over the image with O accumulators).
template <int O>
void narrowFilterRow(const ConvShape& s, const float* xpad, int64_t Wp, const float* dyImg, int64_t ky, float* dw,
                     int64_t dwStride) {
  forEvenTile(s.kW * s.inC / kLanes, kAccumulators * 2 / 3 / O, [&](int64_t v0, int64_t n) {
    narrowFilterTileN<O>(s, xpad, Wp, dyImg, ky, v0 * kLanes, dw, dwStride, n);
  });
}

}  // namespace

bool directConvApplies(const ConvShape& s) {
  return s.dilH == 1 && s.dilW == 1 && s.padTop >= 0 && s.padTop < s.kH && s.padLeft >= 0 && s.padLeft < s.kW &&
         s.outH > 0 && s.outW > 0;
}

void directConvForward(const ConvShape& s, const float* x, const float* w, float* y, int threads) {
  forwardAny(s, x, w, y, threads);
}

namespace {

// floor(a / b) for b > 0 and any a.
int64_t floorDiv(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

// The input gradient of a strided layer as stride^2 stride-1 convolutions, one
// per phase (ry, rx) of the input pixels (the sub-pixel decomposition):
// with r = iy + padTop = s*qy + ry, only taps ky = ry + s*m reach input row
// iy, from dy row qy - m, so
//   dx[s*qy + ry - padTop, s*qx + rx - padLeft, c]
//     = sum over (m, n, o) of dy[qy - m, qx - n, o] * w[ry + s*m, rx + s*n, c, o],
// a stride-1 correlation of dy with the phase's taps, rotated, over Ky x Kx.
// Each phase runs on the direct forward kernels into a buffer that is then
// copied to its pixels of dx; no column matrix, no zero taps multiplied.
void backpropInputStrided(const ConvShape& s, const float* dy, const float* w, float* dx, int threads) {
  for (int64_t ry = 0; ry < s.strideH; ++ry)
    for (int64_t rx = 0; rx < s.strideW; ++rx) {
      // input rows iy = s*qy + ry - padTop for qy in [qy0, qy1), likewise columns
      const int64_t qy0 = -floorDiv(ry - s.padTop, s.strideH), qy1 = -floorDiv(ry - s.padTop - s.inH, s.strideH);
      const int64_t qx0 = -floorDiv(rx - s.padLeft, s.strideW), qx1 = -floorDiv(rx - s.padLeft - s.inW, s.strideW);
      if (qy1 <= qy0 || qx1 <= qx0) continue;
      const int64_t Ky = ry < s.kH ? (s.kH - ry + s.strideH - 1) / s.strideH : 0;
      const int64_t Kx = rx < s.kW ? (s.kW - rx + s.strideW - 1) / s.strideW : 0;
      ConvShape t = s;
      t.inH = s.outH, t.inW = s.outW, t.inC = s.outC, t.outC = s.inC, t.outH = qy1 - qy0, t.outW = qx1 - qx0;
      t.kH = Ky, t.kW = Kx, t.strideH = 1, t.strideW = 1;
      t.padTop = Ky - 1 - qy0, t.padLeft = Kx - 1 - qx0;
      const int64_t size = t.batch * t.outH * t.outW * t.outC;
      float* phase = scratch(kPhase, size);  // [B, qy1-qy0, qx1-qx0, inC], this (the calling) thread's
      if (Ky == 0 || Kx == 0) std::memset(phase, 0, size * sizeof(float));  // no tap reaches these pixels
      else {
        std::vector<float> taps(Ky * Kx * s.outC * s.inC);  // [Ky, Kx, outC, inC], rotated
        for (int64_t m = 0; m < Ky; ++m)
          for (int64_t n = 0; n < Kx; ++n) {
            const float* src = w + ((ry + s.strideH * (Ky - 1 - m)) * s.kW + rx + s.strideW * (Kx - 1 - n)) * s.inC * s.outC;
            float* dst = &taps[(m * Kx + n) * s.outC * s.inC];
            for (int64_t c = 0; c < s.inC; ++c)
              for (int64_t o = 0; o < s.outC; ++o) dst[o * s.inC + c] = src[c * s.outC + o];
          }
        forwardAny(t, dy, taps.data(), phase, threads);
      }
      for (int64_t b = 0; b < s.batch; ++b)
        for (int64_t qy = qy0; qy < qy1; ++qy)
          for (int64_t qx = qx0; qx < qx1; ++qx) {
            const int64_t iy = s.strideH * qy + ry - s.padTop, ix = s.strideW * qx + rx - s.padLeft;
            std::memcpy(dx + ((b * s.inH + iy) * s.inW + ix) * s.inC,
                        &phase[((b * t.outH + qy - qy0) * t.outW + qx - qx0) * s.inC], s.inC * sizeof(float));
          }
    }
}

}  // namespace

void directConvBackpropInput(const ConvShape& s, const float* dy, const float* w, float* dx, int threads) {
  if (s.strideH != 1 || s.strideW != 1) return backpropInputStrided(s, dy, w, dx, threads);
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

namespace {

// Fewest products summed, and most columns, for A^T B on the register tiles
// (OpenBLAS packs both tall operands first: 107 GFLOP/s against 202 for
// K = 25088, M = N = 32, flow's 1x1 weight gradients, on the AVX-512 host).
constexpr int64_t kSkinnyMinRows = 256;
constexpr int64_t kSkinnyMaxWidth = 64;

// A 1x1 convolution over one row of `pixels` pixels with `in` channels and `out` outputs.
ConvShape pointwiseRow(int64_t pixels, int64_t in, int64_t out) {
  ConvShape s{};
  s.batch = 1, s.inH = 1, s.inW = pixels, s.inC = in, s.kH = 1, s.kW = 1, s.outC = out;
  s.outH = 1, s.outW = pixels, s.strideH = 1, s.strideW = 1, s.dilH = 1, s.dilW = 1;
  return s;
}

// C[M, N] = A^T B for A [K, M], B [K, N] with K long and M, N small: the
// filter-gradient tiles with the K products as pixels, each thread summing a
// share of them into its own [M, N] block.
void skinnySumOfProducts(const GemmArgs& g, int threads) {
  const int64_t blocks = blocksOf(g.N), stride = blocks * kLanes;
  const bool packB = g.N % kLanes != 0;
  std::vector<float> total(g.M * stride, 0.f);
  std::mutex totalLock;
  parallelItems(g.K, pickThreads(threads, g.K * g.M * blocks, kDirectParallelMin), [&](int64_t k0, int64_t k1) {
    const ConvShape s = pointwiseRow(k1 - k0, g.M, g.N);
    float* acc = scratch(kFilterAcc, total.size());
    std::memset(acc, 0, total.size() * sizeof(float));
    const float* b = g.B + k0 * g.ldb;
    if (packB) {
      float* bp = scratch(kDyPacked, (k1 - k0) * stride);
      for (int64_t k = 0; k < k1 - k0; ++k) {
        std::memcpy(bp + k * stride, b + k * g.ldb, g.N * sizeof(float));
        std::memset(bp + k * stride + g.N, 0, (stride - g.N) * sizeof(float));
      }
      b = bp;
    }
    for (int64_t ob = 0; ob < blocks; ob += 2) {
      if (blocks - ob == 1) filterRow<1>(s, g.A + k0 * g.lda, s.inW, b, packB ? stride : g.N, 0, ob, acc);
      else filterRow<2>(s, g.A + k0 * g.lda, s.inW, b, packB ? stride : g.N, 0, ob, acc);
    }
    std::lock_guard<std::mutex> hold(totalLock);
    for (size_t i = 0; i < total.size(); ++i) total[i] += acc[i];
  });
  for (int64_t m = 0; m < g.M; ++m) std::memcpy(g.C + m * g.ldc, &total[m * stride], g.N * sizeof(float));
}

}  // namespace

bool directGemm(const GemmArgs& g, int threads) {
  // two or more vectors of columns: with one (16 columns under AVX-512) OpenBLAS was as fast
  const bool applies = g.transA && !g.transB && g.alpha == 1.f && g.beta == 0.f && g.lda == g.M && g.ldb == g.N &&
                       g.ldc == g.N && g.N >= 2 * kLanes && g.N <= kSkinnyMaxWidth && g.M <= kSkinnyMaxWidth &&
                       g.K >= kSkinnyMinRows;
  if (applies) skinnySumOfProducts(g, threads);
  return applies;
}

void directConvBackpropFilter(const ConvShape& s, const float* x, const float* dy, float* dw, int threads) {
  const int64_t Hp = paddedExtent(s.outH, s.strideH, s.kH), Wp = paddedExtent(s.outW, s.strideW, s.kW);
  const int64_t blocks = blocksOf(s.outC), stride = blocks * kLanes;
  const int64_t taps = s.kH * s.kW;
  // few output channels and whole vectors of input channels: vectorise over the inputs
  const bool narrow = s.outC <= 4 && (s.kW * s.inC) % kLanes == 0;
  const bool packDy = !narrow && s.outC % kLanes != 0;
  const bool pairs = !narrow && blocks == 1 && s.strideH == 1 && s.strideW == 1;
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
      for (int64_t ky = 0; ky < s.kH; ++ky) {
        if (pairs && ky + 1 < s.kH) {  // filter rows in pairs: ky + 1 is done with ky
          forEvenTile(s.kW * s.inC, kAccumulators / 2,
                      [&](int64_t q0, int64_t n) { filterPairTileN(s, pad, Wp, d, dyStride, ky, q0, acc, n); });
          ++ky;
          continue;
        }
        for (int64_t ob = 0; ob < blocks; ob += 2) {
          if (blocks - ob == 1) filterRow<1>(s, pad, Wp, d, dyStride, ky, ob, acc);
          else filterRow<2>(s, pad, Wp, d, dyStride, ky, ob, acc);
        }
      }
    }
    std::lock_guard<std::mutex> hold(totalLock);
    for (size_t i = 0; i < total.size(); ++i) total[i] += acc[i];
  });
  for (int64_t t = 0; t < taps * s.inC; ++t) std::memcpy(dw + t * s.outC, &total[t * stride], s.outC * sizeof(float));
}

}  // namespace curtain
