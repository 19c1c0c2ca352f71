import { UsageError } from '@curtain/core';
import { VARIANTS } from '@curtain/zoo';

/**
 * A preset fixes the whole grid. Budgets are training FLOPs (forward +
 * backward + optimiser, counted by @curtain/core from one profiled step),
 * log-spaced; every (variant, size, seed) is trained once to the largest
 * budget its size affords and evaluated as it passes each smaller one
 * (the "nested" protocol: constant learning rate, no schedule tied to the
 * final budget).
 */
export interface Preset {
  name: string;
  description: string;
  variants: readonly string[];
  budgets: readonly number[];
  /** Seeds whose rows are reported. */
  seeds: readonly number[];
  /**
   * Seeds of separate training runs used only to choose each variant's and
   * each paradigm's size and sampler (split `selection` in runs.csv); no
   * reported number comes from them (see selection.ts). Disjoint from `seeds`.
   */
  selectionSeeds: readonly number[];
  /** How many of each variant's sizes to try, smallest first. */
  sizeCount: number;
  /** Per-variant exceptions to sizeCount (e.g. where sampling a second size costs too much). */
  sizeCountOverrides?: Readonly<Record<string, number>>;
  /** Generated and real images per FD/KID/precision/recall evaluation. */
  evalSamples: number;
  /** Held-out images for bits/dim. */
  bpdImages: number;
  /** 'first': each variant's default sampler only; 'all': every sampler it lists. */
  samplers: 'first' | 'all';
  /**
   * Samplers needing more network evaluations per sample than this are scored
   * (FD, KID, precision, recall, ms/sample) at the largest budget only; at the
   * smaller budgets their rows carry bits/dim and status but no sample quality.
   * Sampling 784-step PixelCNNs and 200-step DDPMs at every budget would cost
   * more than training them on a CPU.
   */
  everyBudgetMaxEvals: number;
  /** KID subsets (size = min(evalSamples, 1000) / 2). */
  kidSubsets: number;
  /** Benchmark suites `pnpm reports` runs beside the study. */
  benchSuites: readonly string[];
}

export const PRESETS: Readonly<Record<string, Preset>> = Object.freeze({
  smoke: {
    name: 'smoke',
    description:
      'CI check of the whole pipeline: every variant, tiny budgets, 2 seeds and 1 selection seed, 32 samples per FD (too few for a verdict: the report says so)',
    variants: VARIANTS,
    budgets: [5e9, 1e10],
    seeds: [1, 2],
    selectionSeeds: [101],
    sizeCount: 1,
    evalSamples: 32,
    bpdImages: 32,
    samplers: 'first',
    everyBudgetMaxEvals: 50,
    kidSubsets: 4,
    benchSuites: [],
  },
  quick: {
    name: 'quick',
    description:
      "the README's answer: every variant at 3 budgets, 3 seeds and 1 selection seed, 2 sizes (PixelCNN 1), 1,000 samples per FD (the fewest a verdict accepts)",
    variants: VARIANTS,
    budgets: [2e10, 6e10, 2e11],
    seeds: [1, 2, 3],
    selectionSeeds: [101],
    sizeCount: 2,
    // 784-step ancestral sampling of 128 images costs about 3 minutes per
    // evaluation on 2 cores (about 25 at 1,000): a second PixelCNN size would double that.
    sizeCountOverrides: { pixelcnn: 1 },
    evalSamples: 1000,
    bpdImages: 256,
    samplers: 'all',
    everyBudgetMaxEvals: 50,
    kidSubsets: 10,
    benchSuites: ['engine'],
  },
  full: {
    name: 'full',
    description: 'long or GPU runs: 5 budgets, every size, 5 seeds, 10,000 samples',
    variants: VARIANTS,
    budgets: [1e11, 3e11, 1e12, 3e12, 1e13],
    seeds: [1, 2, 3, 4, 5],
    selectionSeeds: [101],
    sizeCount: 3,
    evalSamples: 10_000,
    bpdImages: 2000,
    samplers: 'all',
    everyBudgetMaxEvals: Number.POSITIVE_INFINITY,
    kidSubsets: 50,
    benchSuites: ['engine', 'train', 'sample'],
  },
});

export function getPreset(name: string): Preset {
  const preset = PRESETS[name];
  if (!preset) throw new UsageError(`--preset: unknown preset '${name}'; expected one of ${Object.keys(PRESETS).join(', ')}`);
  return preset;
}

/** Parses a budget such as 3e11, 300G, 1.5T or 1e12 into FLOPs. */
export function parseBudget(text: string, flag = '--budgets'): number {
  const match = /^\s*([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*([kKMGTP]?)\s*$/.exec(text);
  const scale: Record<string, number> = { '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15 };
  const value = match ? Number(match[1]) * scale[match[2]] : Number.NaN;
  if (!Number.isFinite(value) || value <= 0) {
    throw new UsageError(`${flag}: malformed budget '${text}'; expected a positive number of FLOPs such as 3e11 or 300G`);
  }
  return value;
}
