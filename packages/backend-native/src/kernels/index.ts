// All native overrides, keyed by tfjs kernel name.
import { convOverrides } from './conv.ts';
import { elementwiseOverrides } from './elementwise.ts';
import { matmulOverrides } from './matmul.ts';
import { reduceOverrides } from './reduce.ts';
import type { Override } from './types.ts';

export const nativeOverrides: readonly Override[] = [...matmulOverrides, ...convOverrides, ...elementwiseOverrides, ...reduceOverrides];
