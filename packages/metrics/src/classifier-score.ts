/**
 * Sample quality seen by the evaluator's classifier (its 10-way head), beside
 * the feature-space distances:
 * - `confident`: the share of samples whose largest class probability is at
 *   least CONFIDENT_PROBABILITY (real digits score about 0.9+, blobs low);
 * - `score`: an Inception-Score analogue (Salimans et al. 2016,
 *   https://arxiv.org/abs/1606.03498) over the classifier's classes,
 *   exp(mean_i KL(p(y|x_i) || p(y))) with p(y) the mean of p(y|x_i) over the
 *   samples: 1 when every sample gets the same distribution, up to the number
 *   of classes when each is confidently one class and the classes are balanced.
 */
import { UsageError } from '@curtain/core';
import type { FeatureMatrix } from './feature-matrix.ts';

export const CONFIDENT_PROBABILITY = 0.9;

export interface ClassifierScore {
  confident: number;
  score: number;
}

/** From class probabilities (rows: samples, cols: classes; each row sums to 1). */
export function classifierScore(probabilities: FeatureMatrix): ClassifierScore {
  const { rows: n, cols: k, data } = probabilities;
  if (n < 1) throw new UsageError('classifierScore: needs at least one sample');
  const marginal = new Float64Array(k);
  let confident = 0;
  for (let i = 0; i < n; i++) {
    let top = 0;
    for (let j = 0; j < k; j++) {
      const p = data[i * k + j];
      marginal[j] += p / n;
      if (p > top) top = p;
    }
    if (top >= CONFIDENT_PROBABILITY) confident += 1;
  }
  let kl = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const p = data[i * k + j];
      if (p > 0) kl += p * (Math.log(p) - Math.log(marginal[j]));
    }
  }
  return { confident: confident / n, score: Math.exp(kl / n) };
}
