// Row-wise softmax, log-softmax and the fused softmax cross-entropy (forward
// and gradient) over x viewed as [rows, k].
#pragma once
#include <cstdint>

namespace curtain {

// out[r, :] = softmax(x[r, :]) (logSpace: log-softmax).
void softmaxRows(const float* x, int64_t rows, int64_t k, bool logSpace, float* out, int threads);
// loss[r] = logsumexp(x[r, :]) - x[r, labels[r]]; labels must lie in [0, k).
void softmaxXent(const float* x, const int32_t* labels, int64_t rows, int64_t k, float* loss, int threads);
// dx[r, j] = dy[r] * (softmax(x[r, :])[j] - [j == labels[r]]).
void softmaxXentGrad(const float* x, const int32_t* labels, const float* dy, int64_t rows, int64_t k, float* dx,
                     int threads);

}  // namespace curtain
