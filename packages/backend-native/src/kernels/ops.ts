// Op codes shared with csrc/elementwise.h and csrc/reduce.h (keep in sync).
export const BINARY = { Add: 0, Sub: 1, Multiply: 2, RealDiv: 3, Maximum: 4, Minimum: 5, SquaredDifference: 6 } as const;
/** dy * step(x) (CurtainReluGrad): a binary op code that is no tfjs kernel. */
export const RELU_GRAD_OP = 7;

export const UNARY = {
  Sqrt: 0,
  Square: 1,
  Exp: 2,
  Log: 3,
  Relu: 4,
  Step: 5,
  Sigmoid: 6,
  Tanh: 7,
  LeakyRelu: 8,
  Neg: 9,
  Abs: 10,
  Reciprocal: 11,
  Rsqrt: 12,
  Softplus: 13,
  Relu6: 14,
  Elu: 15,
  Linear: 16,
  Log1p: 17,
} as const;

export const REDUCE = { Sum: 0, Mean: 1, Max: 2, Min: 3 } as const;

/** Fused activation name (tfjs `activation` attr) -> unary op code; prelu is not native. */
export function activationCode(activation: unknown): number | undefined {
  switch (activation ?? 'linear') {
    case 'linear':
      return UNARY.Linear;
    case 'relu':
      return UNARY.Relu;
    case 'relu6':
      return UNARY.Relu6;
    case 'elu':
      return UNARY.Elu;
    case 'sigmoid':
      return UNARY.Sigmoid;
    case 'leakyrelu':
      return UNARY.LeakyRelu;
    default:
      return undefined;
  }
}
