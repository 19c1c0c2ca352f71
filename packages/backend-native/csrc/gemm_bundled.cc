// Portable packed, cache-blocked SGEMM (BLIS-style loop nest) written with GCC
// vector extensions: 8x32 micro-tiles, which compile to AVX-512 FMAs with
// -march=native on this machine and to narrower vectors elsewhere.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "gemm.h"
#include "parallel.h"

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

}  // namespace

void gemmBundled(const GemmArgs& g, int threads) {
  if (g.M <= 0 || g.N <= 0) return;
  if (g.K <= 0 || g.alpha == 0.f) { scaleC(g); return; }
  int64_t work = g.M * g.N * g.K;
  int t = pickThreads(threads, work, int64_t(1) << 18);
  int64_t ncMax = std::min<int64_t>(NC, (g.N + NR - 1) / NR * NR);
  int64_t kcMax = std::min<int64_t>(KC, g.K);
  int64_t mcMax = std::min<int64_t>(MC, (g.M + MR - 1) / MR * MR);
  float* bpack = static_cast<float*>(std::aligned_alloc(64, ((ncMax * kcMax * 4 + 63) / 64) * 64));
  std::vector<float*> apacks(t);
  for (int i = 0; i < t; ++i)
    apacks[i] = static_cast<float*>(std::aligned_alloc(64, ((mcMax * kcMax * 4 + 63) / 64) * 64));

#pragma omp parallel num_threads(t) if (t > 1)
  {
#ifdef _OPENMP
    int tid = omp_get_thread_num();
#else
    int tid = 0;
#endif
    float* apack = apacks[tid];
    for (int64_t jc = 0; jc < g.N; jc += NC) {
      int64_t nc = std::min<int64_t>(NC, g.N - jc);
      int64_t nPanels = (nc + NR - 1) / NR;
      for (int64_t pc = 0; pc < g.K; pc += KC) {
        int64_t kc = std::min<int64_t>(KC, g.K - pc);
        bool first = pc == 0;
#pragma omp for schedule(static)
        for (int64_t jp = 0; jp < nPanels; ++jp) packBPanel(g, jc, pc, kc, jp, bpack + jp * kc * NR);
        // Each thread takes its own MC-row blocks when there are enough of
        // them; otherwise threads split the column panels of one block.
        int64_t mBlocks = (g.M + MC - 1) / MC;
        if (mBlocks >= t * 2 || t == 1) {
#pragma omp for schedule(dynamic, 1)
          for (int64_t ib = 0; ib < mBlocks; ++ib) {
            int64_t ic = ib * MC, mc = std::min<int64_t>(MC, g.M - ic);
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
        } else {
          for (int64_t ic = 0; ic < g.M; ic += MC) {
            int64_t mc = std::min<int64_t>(MC, g.M - ic);
            int64_t mPanels = (mc + MR - 1) / MR;
            // Shared A pack: every thread packs all panels (cheap, avoids a barrier).
            for (int64_t ip = 0; ip < mPanels; ++ip) packAPanel(g, ic, pc, kc, ip, apack + ip * kc * MR);
#pragma omp for schedule(static)
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
  }
  for (float* p : apacks) std::free(p);
  std::free(bpack);
}

}  // namespace curtain
