// Row-major single-precision GEMM: C = alpha * op(A) * op(B) + beta * C.
#pragma once
#include <cstdint>

namespace curtain {

struct GemmArgs {
  bool transA, transB;
  int64_t M, N, K;
  float alpha;
  const float* A; int64_t lda;
  const float* B; int64_t ldb;
  float beta;
  float* C; int64_t ldc;
};

// Portable packed/blocked GEMM (always compiled).
void gemmBundled(const GemmArgs& g, int threads);
// True when the addon was linked against a system CBLAS (OpenBLAS).
bool haveOpenblas();
// Dispatch: useBlas selects cblas_sgemm when available, else the bundled GEMM.
void gemm(const GemmArgs& g, bool useBlas, int threads);

}  // namespace curtain
