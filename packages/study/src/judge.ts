import type { tf } from '@curtain/core';

/** Sample-quality numbers for one set of generated images. */
export interface Quality {
  fd: number;
  kid: number;
  kidStd: number;
  precision: number;
  recall: number;
}

/**
 * Scores generated images against a fixed set of real training images with
 * one evaluator. The real features are computed once and shared by every row,
 * so rows differ only in what the model generated.
 */
export interface QualityJudge {
  evaluatorId: string;
  realCount: number;
  /** May read back asynchronously (a GPU backend must); callers await it. */
  judge(images: tf.Tensor4D): Quality | Promise<Quality>;
}
