// GEMM dispatch between the system OpenBLAS and the bundled kernel.
#include "gemm.h"

#include "conv_direct.h"
#include "parallel.h"

#ifdef CURTAIN_OPENBLAS
#include <cblas.h>
#endif

namespace curtain {

bool haveOpenblas() {
#ifdef CURTAIN_OPENBLAS
  return true;
#else
  return false;
#endif
}

#ifdef CURTAIN_OPENBLAS
namespace {

void blasGemm(const GemmArgs& g) {
  cblas_sgemm(CblasRowMajor, g.transA ? CblasTrans : CblasNoTrans, g.transB ? CblasTrans : CblasNoTrans, (int)g.M,
              (int)g.N, (int)g.K, g.alpha, g.A, (int)g.lda, g.B, (int)g.ldb, g.beta, g.C, (int)g.ldc);
}

// The rows [r0, r1) of C (the rows of op(A)) or its columns [r0, r1) (of op(B)).
GemmArgs rowsOf(const GemmArgs& g, int64_t r0, int64_t r1) {
  GemmArgs part = g;
  part.M = r1 - r0;
  part.A = g.transA ? g.A + r0 : g.A + r0 * g.lda;
  part.C = g.C + r0 * g.ldc;
  return part;
}
GemmArgs columnsOf(const GemmArgs& g, int64_t c0, int64_t c1) {
  GemmArgs part = g;
  part.N = c1 - c0;
  part.B = g.transB ? g.B + c0 * g.ldb : g.B + c0;
  part.C = g.C + c0;
  return part;
}

}  // namespace
#endif

void gemm(const GemmArgs& g, bool useBlas, int threads) {
  if (g.M <= 0 || g.N <= 0) return;
  if (g.K > 0 && directGemm(g, threads)) return;
#ifdef CURTAIN_OPENBLAS
  if (useBlas) {
    // OpenBLAS always runs on one thread; a large product is split over
    // OpenMP's threads instead, one slice of C each. OpenBLAS's own pthreads
    // spin after each call and fought the OpenMP workers of the next
    // elementwise kernel for the same cores: on the 2-core reference machine
    // the flow trained no faster with 2 threads than with 1.
    if (openblas_get_num_threads() != 1) openblas_set_num_threads(1);
    // Small products run on one thread: waking workers costs more than it saves.
    const int t = g.M * g.N * g.K < (int64_t(1) << 23) ? 1 : threads;
    if (t <= 1) return blasGemm(g);
    const bool byRows = g.M >= g.N;
    const int64_t extent = byRows ? g.M : g.N;
    parallelItems(extent, t, [&](int64_t a, int64_t b) { blasGemm(byRows ? rowsOf(g, a, b) : columnsOf(g, a, b)); });
    return;
  }
#endif
  (void)useBlas;
  gemmBundled(g, threads);
}

}  // namespace curtain
