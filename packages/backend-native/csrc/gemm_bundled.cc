// Portable packed, cache-blocked SGEMM (BLIS-style loop nest) written with GCC
// vector extensions: 8x32 micro-tiles, which compile to AVX-512 FMAs with
// -march=native on this machine and to narrower vectors elsewhere.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "gemm.h"
#include "parallel.h"
#include "scratch.h"

#ifndef _OPENMP
static inline int omp_get_thread_num() { return 0; }
static inline int omp_get_num_threads() { return 1; }
#endif

namespace curtain {
namespace {

typedef float v16 __attribute__((vector_size(64)));
constexpr int MR = 8;
constexpr int NR = 32;
constexpr int64_t KC = 256;
constexpr int64_t MC = 128;
constexpr int64_t NC = 2048;

inline v16 load16(const float* p) { v16 v; std::memcpy(&v, p, sizeof v); return v; }
inline void store16(float* p, v16 v) { std::memcpy(p, &v, sizeof v); }

// acc(MRxNR) = Ap(MRxkc) * Bp(kcxNR); then C = alpha*acc + (first ? beta*C : C).
void microKernel(int64_t kc, const float* __restrict Ap, const float* __restrict Bp,
                 float* C, int64_t ldc, int mr, int nr, float alpha, float beta, bool first) {
  v16 acc[MR][2];
  for (int i = 0; i < MR; ++i) { acc[i][0] = v16{}; acc[i][1] = v16{}; }
  for (int64_t k = 0; k < kc; ++k) {
    v16 b0 = load16(Bp + k * NR), b1 = load16(Bp + k * NR + 16);
    const float* a = Ap + k * MR;
#pragma GCC unroll 8
    for (int i = 0; i < MR; ++i) {
      float ai = a[i];
      acc[i][0] += b0 * ai;
      acc[i][1] += b1 * ai;
    }
  }
  if (mr == MR && nr == NR) {
    for (int i = 0; i < MR; ++i) {
      float* c = C + i * ldc;
      v16 r0 = acc[i][0] * alpha, r1 = acc[i][1] * alpha;
      if (!first) { r0 += load16(c); r1 += load16(c + 16); }
      else if (beta != 0.f) { r0 += load16(c) * beta; r1 += load16(c + 16) * beta; }
      store16(c, r0); store16(c + 16, r1);
    }
    return;
  }
  alignas(64) float tmp[MR * NR];
  for (int i = 0; i < MR; ++i) { store16(tmp + i * NR, acc[i][0]); store16(tmp + i * NR + 16, acc[i][1]); }
  for (int i = 0; i < mr; ++i) {
    float* c = C + i * ldc;
    for (int j = 0; j < nr; ++j) {
      float r = alpha * tmp[i * NR + j];
      if (!first) r += c[j];
      else if (beta != 0.f) r += beta * c[j];
      c[j] = r;
    }
  }
}

// Packs rows [i0, i0+mc) x cols [p0, p0+kc) of op(A) into MR-row panels.
void packAPanel(const GemmArgs& g, int64_t i0, int64_t p0, int64_t kc, int64_t panel, float* dst) {
  int64_t r0 = i0 + panel * MR;
  int mr = (int)std::min<int64_t>(MR, g.M - r0);
  for (int64_t k = 0; k < kc; ++k) {
    float* d = dst + k * MR;
    if (g.transA) {  // op(A)(i,k) = A[k*lda + i]
      const float* s = g.A + (p0 + k) * g.lda + r0;
      int i = 0;
      for (; i < mr; ++i) d[i] = s[i];
      for (; i < MR; ++i) d[i] = 0.f;
    } else {
      const float* s = g.A + r0 * g.lda + p0 + k;
      int i = 0;
      for (; i < mr; ++i) d[i] = s[i * g.lda];
      for (; i < MR; ++i) d[i] = 0.f;
    }
  }
}

// Packs rows [p0, p0+kc) x cols of panel j (NR wide from j0) of op(B).
void packBPanel(const GemmArgs& g, int64_t j0, int64_t p0, int64_t kc, int64_t panel, float* dst) {
  int64_t c0 = j0 + panel * NR;
  int nr = (int)std::min<int64_t>(NR, g.N - c0);
  if (!g.transB) {
    for (int64_t k = 0; k < kc; ++k) {
      const float* s = g.B + (p0 + k) * g.ldb + c0;
      float* d = dst + k * NR;
      if (nr == NR) std::memcpy(d, s, NR * sizeof(float));
      else { int j = 0; for (; j < nr; ++j) d[j] = s[j]; for (; j < NR; ++j) d[j] = 0.f; }
    }
  } else {  // op(B)(k,j) = B[j*ldb + k]
    for (int j = 0; j < NR; ++j) {
      if (j < nr) {
        const float* s = g.B + (c0 + j) * g.ldb + p0;
        for (int64_t k = 0; k < kc; ++k) dst[k * NR + j] = s[k];
      } else {
        for (int64_t k = 0; k < kc; ++k) dst[k * NR + j] = 0.f;
      }
    }
  }
}

void scaleC(const GemmArgs& g) {
  for (int64_t i = 0; i < g.M; ++i) {
    float* c = g.C + i * g.ldc;
    if (g.beta == 0.f) std::memset(c, 0, g.N * sizeof(float));
    else for (int64_t j = 0; j < g.N; ++j) c[j] *= g.beta;
  }
}

// Single-threaded blocked GEMM on one sub-problem, with its own pack buffers.
void gemmSerial(const GemmArgs& g) {
  if (g.M <= 0 || g.N <= 0) return;
  if (g.K <= 0 || g.alpha == 0.f) { scaleC(g); return; }
  int64_t ncMax = std::min<int64_t>(NC, (g.N + NR - 1) / NR * NR);
  int64_t kcMax = std::min<int64_t>(KC, g.K);
  int64_t mcMax = std::min<int64_t>(MC, (g.M + MR - 1) / MR * MR);
  float* bpack = scratch(kPackB, ncMax * kcMax);
  float* apack = scratch(kPackA, mcMax * kcMax);
  for (int64_t jc = 0; jc < g.N; jc += NC) {
    int64_t nc = std::min<int64_t>(NC, g.N - jc);
    int64_t nPanels = (nc + NR - 1) / NR;
    for (int64_t pc = 0; pc < g.K; pc += KC) {
      int64_t kc = std::min<int64_t>(KC, g.K - pc);
      bool first = pc == 0;
      for (int64_t jp = 0; jp < nPanels; ++jp) packBPanel(g, jc, pc, kc, jp, bpack + jp * kc * NR);
      for (int64_t ic = 0; ic < g.M; ic += MC) {
        int64_t mc = std::min<int64_t>(MC, g.M - ic);
        int64_t mPanels = (mc + MR - 1) / MR;
        for (int64_t ip = 0; ip < mPanels; ++ip) packAPanel(g, ic, pc, kc, ip, apack + ip * kc * MR);
        for (int64_t jp = 0; jp < nPanels; ++jp) {
          int nr = (int)std::min<int64_t>(NR, nc - jp * NR);
          for (int64_t ip = 0; ip < mPanels; ++ip) {
            int mr = (int)std::min<int64_t>(MR, mc - ip * MR);
            microKernel(kc, apack + ip * kc * MR, bpack + jp * kc * NR,
                        g.C + (ic + ip * MR) * g.ldc + jc + jp * NR, g.ldc, mr, nr, g.alpha, g.beta, first);
          }
        }
      }
    }
  }
}

// Sub-problems for thread `id` of `t`: a column range, a row range or a K range.
GemmArgs colPart(const GemmArgs& g, int64_t c0, int64_t c1) {
  GemmArgs s = g;
  s.B = g.transB ? g.B + c0 * g.ldb : g.B + c0;
  s.C = g.C + c0;
  s.N = c1 - c0;
  return s;
}
GemmArgs rowPart(const GemmArgs& g, int64_t r0, int64_t r1) {
  GemmArgs s = g;
  s.A = g.transA ? g.A + r0 : g.A + r0 * g.lda;
  s.C = g.C + r0 * g.ldc;
  s.M = r1 - r0;
  return s;
}

int64_t splitPoint(int64_t n, int parts, int i, int64_t align) {
  int64_t units = (n + align - 1) / align;
  return std::min<int64_t>(n, (units * i / parts) * align);
}

}  // namespace

// One fork/join per call and no barriers inside: each thread owns a disjoint
// block of C (columns, else rows), or for small M x N with long K a slice of
// K reduced at the end. Barrier-free matters on shared, oversubscribed hosts.
void gemmBundled(const GemmArgs& g, int threads) {
  if (g.M <= 0 || g.N <= 0) return;
  int64_t work = g.M * g.N * g.K;
  int t = pickThreads(threads, work, int64_t(1) << 21);
  if (t <= 1) { gemmSerial(g); return; }
  const int64_t colPanels = (g.N + NR - 1) / NR, rowPanels = (g.M + MR - 1) / MR;
  if (colPanels >= 2 * t && g.N >= g.M / 4) {
#pragma omp parallel num_threads(t)
    {
      int id = omp_get_thread_num(), nt = omp_get_num_threads();
      int64_t c0 = splitPoint(g.N, nt, id, NR), c1 = splitPoint(g.N, nt, id + 1, NR);
      if (c0 < c1) gemmSerial(colPart(g, c0, c1));
    }
  } else if (rowPanels >= 4 * t) {
#pragma omp parallel num_threads(t)
    {
      int id = omp_get_thread_num(), nt = omp_get_num_threads();
      int64_t r0 = splitPoint(g.M, nt, id, MR), r1 = splitPoint(g.M, nt, id + 1, MR);
      if (r0 < r1) gemmSerial(rowPart(g, r0, r1));
    }
  } else if (g.K >= 2 * KC * t) {
    std::vector<std::vector<float>> partial(t, std::vector<float>(g.M * g.N));
#pragma omp parallel num_threads(t)
    {
      int id = omp_get_thread_num(), nt = omp_get_num_threads();
      int64_t k0 = splitPoint(g.K, nt, id, KC), k1 = splitPoint(g.K, nt, id + 1, KC);
      GemmArgs s = g;
      s.A = g.transA ? g.A + k0 * g.lda : g.A + k0;
      s.B = g.transB ? g.B + k0 : g.B + k0 * g.ldb;
      s.K = k1 - k0;
      s.alpha = 1.f; s.beta = 0.f;
      s.C = partial[id].data(); s.ldc = g.N;
      gemmSerial(s);
    }
    for (int64_t i = 0; i < g.M; ++i) {
      float* c = g.C + i * g.ldc;
      for (int64_t j = 0; j < g.N; ++j) {
        float sum = 0.f;
        for (int p = 0; p < t; ++p) sum += partial[p][i * g.N + j];
        c[j] = g.alpha * sum + (g.beta == 0.f ? 0.f : g.beta * c[j]);
      }
    }
  } else {
    gemmSerial(g);
  }
}

}  // namespace curtain
