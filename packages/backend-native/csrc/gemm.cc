// GEMM dispatch between the system OpenBLAS and the bundled kernel.
#include "gemm.h"

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

void gemm(const GemmArgs& g, bool useBlas, int threads) {
  if (g.M <= 0 || g.N <= 0) return;
#ifdef CURTAIN_OPENBLAS
  if (useBlas) {
    // Small products run single-threaded: waking BLAS workers costs more than it saves.
    int t = g.M * g.N * g.K < (int64_t(1) << 23) ? 1 : threads;
    if (openblas_get_num_threads() != t) openblas_set_num_threads(t);
    cblas_sgemm(CblasRowMajor, g.transA ? CblasTrans : CblasNoTrans,
                g.transB ? CblasTrans : CblasNoTrans, (int)g.M, (int)g.N, (int)g.K,
                g.alpha, g.A, (int)g.lda, g.B, (int)g.ldb, g.beta, g.C, (int)g.ldc);
    return;
  }
#endif
  (void)useBlas;
  gemmBundled(g, threads);
}

}  // namespace curtain
