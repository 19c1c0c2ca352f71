// Broadcasting binary ops collapse the shapes to a few dimensions whose inner
// loop is same-shape, scalar-on-one-side or row-broadcast, all vectorisable.
#include "elementwise.h"

#include <cmath>

#include "parallel.h"
#include "vecmath.h"

namespace curtain {
namespace {

template <int OP>
inline float bop(float a, float b) {
  if constexpr (OP == kAdd) return a + b;
  else if constexpr (OP == kSub) return a - b;
  else if constexpr (OP == kMul) return a * b;
  else if constexpr (OP == kDiv) return a / b;
  else if constexpr (OP == kMax) return (a > b || a != a) ? a : b;
  else if constexpr (OP == kMin) return (a < b || a != a) ? a : b;
  else if constexpr (OP == kReluGrad) return a * (b > 0.f ? 1.f : (b != b ? b : 0.f));
  else { float d = a - b; return d * d; }
}

// Inner loop over n elements with element strides sa, sb in {0, 1}.
template <int OP>
inline void inner(const float* __restrict a, int64_t sa, const float* __restrict b, int64_t sb,
                  float* __restrict o, int64_t n) {
  if (sa && sb) for (int64_t i = 0; i < n; ++i) o[i] = bop<OP>(a[i], b[i]);
  else if (sa) { float bv = *b; for (int64_t i = 0; i < n; ++i) o[i] = bop<OP>(a[i], bv); }
  else if (sb) { float av = *a; for (int64_t i = 0; i < n; ++i) o[i] = bop<OP>(av, b[i]); }
  else { float v = bop<OP>(*a, *b); for (int64_t i = 0; i < n; ++i) o[i] = v; }
}

// Same as inner() but without __restrict so that out may alias an input.
template <int OP>
inline void innerAliased(const float* a, int64_t sa, const float* b, int64_t sb, float* o, int64_t n) {
  if (sa && sb) for (int64_t i = 0; i < n; ++i) o[i] = bop<OP>(a[i], b[i]);
  else if (sa) { float bv = *b; for (int64_t i = 0; i < n; ++i) o[i] = bop<OP>(a[i], bv); }
  else if (sb) { float av = *a; for (int64_t i = 0; i < n; ++i) o[i] = bop<OP>(av, b[i]); }
  else { float v = bop<OP>(*a, *b); for (int64_t i = 0; i < n; ++i) o[i] = v; }
}

struct Plan {
  std::vector<int64_t> dims, sa, sb;  // collapsed, outermost first
};

Plan makePlan(std::vector<int64_t> as, std::vector<int64_t> bs, const std::vector<int64_t>& os) {
  size_t r = os.size();
  as.insert(as.begin(), r - as.size(), 1);
  bs.insert(bs.begin(), r - bs.size(), 1);
  std::vector<int64_t> d, sa, sb;
  int64_t ca = 1, cb = 1;
  std::vector<int64_t> ra(r), rb(r);
  for (size_t i = r; i-- > 0;) {
    ra[i] = as[i] == 1 ? 0 : ca; ca *= as[i];
    rb[i] = bs[i] == 1 ? 0 : cb; cb *= bs[i];
  }
  for (size_t i = 0; i < r; ++i) {
    if (os[i] == 1) continue;
    if (!d.empty() && sa.back() == ra[i] * os[i] && sb.back() == rb[i] * os[i]) {
      d.back() *= os[i]; sa.back() = ra[i]; sb.back() = rb[i];
    } else { d.push_back(os[i]); sa.push_back(ra[i]); sb.push_back(rb[i]); }
  }
  if (d.empty()) { d.push_back(1); sa.push_back(1); sb.push_back(1); }
  return {d, sa, sb};
}

template <int OP>
inline void innerAny(const float* a, int64_t sa, const float* b, int64_t sb, float* o, int64_t n, bool aliased) {
  if (aliased) innerAliased<OP>(a, sa, b, sb, o, n);
  else inner<OP>(a, sa, b, sb, o, n);
}

// Rows [r0, r1) of the collapsed problem; the outer multi-index advances like an
// odometer, so there is no division per row.
template <int OP>
void runRows(const Plan& p, const float* a, const float* b, float* out, int64_t r0, int64_t r1, bool aliased) {
  const size_t nd = p.dims.size();
  const int64_t n = p.dims[nd - 1], isa = p.sa[nd - 1], isb = p.sb[nd - 1];
  const size_t no = nd - 1;  // outer dims
  std::vector<int64_t> idx(no + 1, 0);
  int64_t offA = 0, offB = 0, rem = r0;
  for (size_t i = no; i-- > 0;) {
    idx[i] = rem % p.dims[i]; rem /= p.dims[i];
    offA += idx[i] * p.sa[i]; offB += idx[i] * p.sb[i];
  }
  for (int64_t r = r0; r < r1; ++r) {
    innerAny<OP>(a + offA, isa, b + offB, isb, out + r * n, n, aliased);
    for (size_t i = no; i-- > 0;) {
      offA += p.sa[i]; offB += p.sb[i];
      if (++idx[i] < p.dims[i]) break;
      offA -= p.sa[i] * p.dims[i]; offB -= p.sb[i] * p.dims[i];
      idx[i] = 0;
    }
  }
}

template <int OP>
void runPlan(const Plan& p, const float* a, const float* b, float* out, int threads, bool aliased) {
  const size_t nd = p.dims.size();
  const int64_t n = p.dims[nd - 1], isa = p.sa[nd - 1], isb = p.sb[nd - 1];
  int64_t rows = 1;
  for (size_t i = 0; i + 1 < nd; ++i) rows *= p.dims[i];
  if (rows == 1) {
    parallelRange(n, threads, [&](int64_t j0, int64_t j1) {
      innerAny<OP>(a + j0 * isa, isa, b + j0 * isb, isb, out + j0, j1 - j0, aliased);
    });
    return;
  }
  int t = pickThreads(threads, rows * n);
  parallelRange(rows, t, [&](int64_t r0, int64_t r1) { runRows<OP>(p, a, b, out, r0, r1, aliased); },
                t > 1 ? 1 : rows + 1);
}

template <int OP>
inline float uop(float x, float alpha) {
  if constexpr (OP == kSqrt) return std::sqrt(x);
  else if constexpr (OP == kSquare) return x * x;
  else if constexpr (OP == kExp) return vm::exp(x);
  else if constexpr (OP == kLog) return vm::log(x);
  else if constexpr (OP == kLog1p) return vm::log1p(x);
  else if constexpr (OP == kRelu) return x < 0.f ? 0.f : x;
  else if constexpr (OP == kStep) return x != x ? x : (x > 0.f ? 1.f : alpha);
  else if constexpr (OP == kSigmoid) return vm::sigmoid(x);
  else if constexpr (OP == kTanh) return vm::tanh(x);
  else if constexpr (OP == kLeakyRelu) return x < 0.f ? alpha * x : x;
  else if constexpr (OP == kNeg) return -x;
  else if constexpr (OP == kAbs) return std::fabs(x);
  else if constexpr (OP == kReciprocal) return 1.f / x;
  else if constexpr (OP == kRsqrt) return 1.f / std::sqrt(x);
  else if constexpr (OP == kSoftplus) return vm::softplus(x);
  else if constexpr (OP == kRelu6) return x < 0.f ? 0.f : (x > 6.f ? 6.f : x);
  else if constexpr (OP == kElu) return x >= 0.f ? x : std::expm1(x);
  else return x;
}

template <int OP>
void unaryLoop(const float* __restrict x, float* __restrict out, int64_t n, float alpha) {
  for (int64_t i = 0; i < n; ++i) out[i] = uop<OP>(x[i], alpha);
}

template <int OP>
void unaryT(const float* x, float* out, int64_t n, float alpha, int threads) {
  parallelRange(n, threads, [&](int64_t i0, int64_t i1) { unaryLoop<OP>(x + i0, out + i0, i1 - i0, alpha); });
}

template <int OP>
void biasActRow(float* __restrict row, const float* __restrict bias, int64_t cols, float alpha) {
  if (bias) for (int64_t j = 0; j < cols; ++j) row[j] = uop<OP>(row[j] + bias[j], alpha);
  else for (int64_t j = 0; j < cols; ++j) row[j] = uop<OP>(row[j], alpha);
}

template <int OP>
void biasActT(float* y, const float* bias, int64_t rows, int64_t cols, float alpha, int threads) {
  int t = pickThreads(threads, rows * cols);
  parallelRange(rows, t, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      biasActRow<OP>(y + r * cols, bias, cols, alpha);
    }
  }, t > 1 ? 1 : rows + 1);
}

}  // namespace

void binary(int op, const float* a, std::vector<int64_t> aShape, const float* b, std::vector<int64_t> bShape,
            float* out, const std::vector<int64_t>& outShape, int threads) {
  Plan p = makePlan(std::move(aShape), std::move(bShape), outShape);
  bool aliased = out == a || out == b;
  switch (op) {
    case kAdd: runPlan<kAdd>(p, a, b, out, threads, aliased); break;
    case kSub: runPlan<kSub>(p, a, b, out, threads, aliased); break;
    case kMul: runPlan<kMul>(p, a, b, out, threads, aliased); break;
    case kDiv: runPlan<kDiv>(p, a, b, out, threads, aliased); break;
    case kMax: runPlan<kMax>(p, a, b, out, threads, aliased); break;
    case kMin: runPlan<kMin>(p, a, b, out, threads, aliased); break;
    case kReluGrad: runPlan<kReluGrad>(p, a, b, out, threads, aliased); break;
    default: runPlan<kSqDiff>(p, a, b, out, threads, aliased); break;
  }
}

#define CURTAIN_UNARY_CASES(FN, ...)                 \
  switch (op) {                                      \
    case kSqrt: FN<kSqrt>(__VA_ARGS__); break;       \
    case kSquare: FN<kSquare>(__VA_ARGS__); break;   \
    case kExp: FN<kExp>(__VA_ARGS__); break;         \
    case kLog: FN<kLog>(__VA_ARGS__); break;         \
    case kRelu: FN<kRelu>(__VA_ARGS__); break;       \
    case kStep: FN<kStep>(__VA_ARGS__); break;       \
    case kSigmoid: FN<kSigmoid>(__VA_ARGS__); break; \
    case kTanh: FN<kTanh>(__VA_ARGS__); break;       \
    case kLeakyRelu: FN<kLeakyRelu>(__VA_ARGS__); break; \
    case kNeg: FN<kNeg>(__VA_ARGS__); break;         \
    case kAbs: FN<kAbs>(__VA_ARGS__); break;         \
    case kReciprocal: FN<kReciprocal>(__VA_ARGS__); break; \
    case kRsqrt: FN<kRsqrt>(__VA_ARGS__); break;     \
    case kSoftplus: FN<kSoftplus>(__VA_ARGS__); break; \
    case kRelu6: FN<kRelu6>(__VA_ARGS__); break;     \
    case kElu: FN<kElu>(__VA_ARGS__); break;         \
    case kLog1p: FN<kLog1p>(__VA_ARGS__); break;     \
    default: FN<kLinear>(__VA_ARGS__); break;        \
  }

void unary(int op, const float* x, float* out, int64_t n, float alpha, int threads) {
  CURTAIN_UNARY_CASES(unaryT, x, out, n, alpha, threads)
}

void biasActivation(float* y, const float* bias, int64_t rows, int64_t cols, int op, float alpha, int threads) {
  CURTAIN_UNARY_CASES(biasActT, y, bias, rows, cols, alpha, threads)
}

}  // namespace curtain
