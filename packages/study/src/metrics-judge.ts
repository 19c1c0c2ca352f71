import { SeededRng, type tf, UsageError } from '@curtain/core';
import type { Dataset } from '@curtain/data';
import { classifierScore, type FeatureMatrix, loadEvaluator, qualityFromFeatures, realReference } from '@curtain/metrics';
import type { Quality, QualityJudge } from './judge.ts';
import type { Preset } from './presets.ts';

/** Seed of the real reference images: the same for every row of every study. */
export const REAL_REFERENCE_SEED = 0;

/**
 * The study's judge: the dataset's committed evaluator, and `evalSamples`
 * training images (fixed seed) as the real side of every comparison.
 */
export function metricsJudge(dataset: Dataset, preset: Preset): QualityJudge {
  let evaluator: ReturnType<typeof loadEvaluator>;
  try {
    evaluator = loadEvaluator(dataset.name);
  } catch (error) {
    throw new UsageError(`--dataset ${dataset.name}: no evaluator (${(error as Error).message})`);
  }
  const n = Math.min(preset.evalSamples, dataset.train.count);
  // The real side is read back once, on the first call (readback is asynchronous).
  let real: Promise<FeatureMatrix> | undefined;
  const realFeatures = (): Promise<FeatureMatrix> => {
    if (!real) {
      const images = realReference(dataset, n, new SeededRng(REAL_REFERENCE_SEED).nextSeed());
      real = evaluator.features(images).finally(() => images.dispose());
    }
    return real;
  };
  return {
    evaluatorId: evaluator.id,
    realCount: n,
    async judge(fake: tf.Tensor4D, seed: number): Promise<Quality> {
      const { features, probabilities } = await evaluator.featuresAndProbabilities(fake);
      const classes = classifierScore(probabilities);
      const q = await qualityFromFeatures(evaluator.id, await realFeatures(), features, {
        seed,
        kidSubsets: preset.kidSubsets,
        kidSubsetSize: Math.max(2, Math.floor(Math.min(n, fake.shape[0], 1000) / 2)),
      });
      return {
        fd: q.fd,
        kid: q.kid,
        kidStd: q.kidStd,
        precision: q.precision,
        recall: q.recall,
        classConfident: classes.confident,
        classScore: classes.score,
      };
    },
  };
}
