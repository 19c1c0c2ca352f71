// All native overrides, keyed by tfjs kernel name.

import { activationKernels } from './activations.ts';
import { CURTAIN_ADAM, CURTAIN_SUM_SQUARES, curtainAdam, curtainSumSquares } from './adam.ts';
import { convOverrides } from './conv.ts';
import { elementwiseOverrides } from './elementwise.ts';
import { matmulOverrides } from './matmul.ts';
import { movementOverrides } from './movement.ts';
import { poolOverrides } from './pool.ts';
import { reduceOverrides } from './reduce.ts';
import { softmaxKernels, softmaxOverrides } from './softmax.ts';
import type { Override } from './types.ts';

export const nativeOverrides: readonly Override[] = [
  ...matmulOverrides,
  ...convOverrides,
  ...elementwiseOverrides,
  ...reduceOverrides,
  ...softmaxOverrides,
  ...movementOverrides,
  ...poolOverrides,
];

/** Kernels only the native backend has (fused ops the packages call when registered). */
export const nativeOnlyKernels: readonly Override[] = [
  { kernelName: CURTAIN_ADAM, impl: curtainAdam },
  { kernelName: CURTAIN_SUM_SQUARES, impl: curtainSumSquares },
  ...softmaxKernels,
  ...activationKernels,
];
