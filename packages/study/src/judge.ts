import type { tf } from '@curtain/core';

/** Sample-quality numbers for one set of generated images. */
export interface Quality {
  fd: number;
  kid: number;
  kidStd: number;
  precision: number;
  recall: number;
  /** Share of samples the evaluator's classifier assigns a class with probability >= 0.9 (NaN without a classifier). */
  classConfident: number;
  /** exp(mean KL(p(y|x) || p(y))) over the classifier's classes (NaN without a classifier). */
  classScore: number;
}

/** A Quality as the runs.csv columns that hold it. */
export function qualityColumns(quality: Quality) {
  return {
    fd: quality.fd,
    kid: quality.kid,
    kid_std: quality.kidStd,
    precision: quality.precision,
    recall: quality.recall,
    class_confident: quality.classConfident,
    class_score: quality.classScore,
  };
}

/**
 * Scores generated images against a fixed set of real training images with
 * one evaluator. The real features are computed once and shared by every row,
 * so rows differ only in what the model generated.
 */
export interface QualityJudge {
  evaluatorId: string;
  realCount: number;
  /** `seed` fixes KID's random subsets: derive it from the run key (seedFromKey), so a resumed or sharded study scores alike. */
  /** May read back asynchronously (a GPU backend must); callers await it. */
  judge(images: tf.Tensor4D, seed: number): Quality | Promise<Quality>;
}

/** A 31-bit seed from a hex run key, so the same run gets the same KID subsets in any process order. */
export function seedFromKey(key: string): number {
  const value = Number.parseInt(key.slice(0, 8), 16);
  if (!Number.isFinite(value)) throw new Error(`seedFromKey: expected a hex key, got '${key}'`);
  return value & 0x7fffffff;
}
