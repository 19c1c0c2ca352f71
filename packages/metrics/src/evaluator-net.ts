/**
 * The evaluator network: a small LeNet-style classifier (LeCun et al. 1998,
 * http://yann.lecun.com/exdb/publis/pdf/lecun-98.pdf) whose penultimate layer
 * (dense, 128 units, after ReLU) gives the features FD, KID and precision/recall use.
 * Pooling is replaced by stride-2 convolutions (Springenberg et al. 2015,
 * https://arxiv.org/abs/1412.6806): the native backend runs convolutions fast,
 * while pooling gradients fall back to slow JavaScript loops.
 */
import { tf } from '@curtain/core';
import { conv2d, dense, type ParamStore, relu } from '@curtain/nn';

/** The sizes that vary between the committed evaluators (recorded in meta.json, implied by params.json). */
export interface EvaluatorArchitecture {
  conv1Channels: number;
  conv2Channels: number;
  featureSize: number;
}

export const EVALUATOR_IMAGE_SIZE = 28;
export const EVALUATOR_CLASSES = 10;

export interface EvaluatorNet {
  /** x [B, 28, 28, 1] in [0, 1] -> features [B, F] (post-ReLU). */
  features(x: tf.Tensor4D): tf.Tensor2D;
  /** features [B, F] -> class logits [B, 10]. */
  classify(features: tf.Tensor2D): tf.Tensor2D;
}

export function buildEvaluatorNet(store: ParamStore, architecture: EvaluatorArchitecture): EvaluatorNet {
  const { conv1Channels, conv2Channels, featureSize } = architecture;
  const conv1 = conv2d(store, 'conv1', { kernel: 5, inChannels: 1, outChannels: conv1Channels, stride: 2 });
  const conv2 = conv2d(store, 'conv2', { kernel: 5, inChannels: conv1Channels, outChannels: conv2Channels, stride: 2 });
  const flat = (EVALUATOR_IMAGE_SIZE / 4) ** 2 * conv2Channels;
  const hidden = dense(store, 'fc1', flat, featureSize);
  const head = dense(store, 'fc2', featureSize, EVALUATOR_CLASSES, 'glorot');
  return {
    features: (x) => {
      const [batch] = x.shape;
      const centred = tf.sub(x, 0.5) as tf.Tensor4D; //           [B, 28, 28, 1]
      const h1 = relu(conv1.apply(centred)); //                [B, 14, 14, C1]
      const h2 = relu(conv2.apply(h1)); //                     [B, 7, 7, C2]
      return relu(hidden.apply(tf.reshape(h2, [batch, flat]) as tf.Tensor2D)); // [B, F]
    },
    classify: (features) => head.apply(features), //             [B, 10]
  };
}

/** Reads the architecture off the parameter shapes of a saved evaluator (params.json). */
export function architectureFromShapes(shapes: ReadonlyArray<{ name: string; shape: number[] }>): EvaluatorArchitecture {
  const shapeOf = (name: string): number[] => {
    const entry = shapes.find((s) => s.name === name);
    if (!entry) throw new Error(`evaluator weights: no parameter '${name}'`);
    return entry.shape;
  };
  return {
    conv1Channels: shapeOf('conv1/w')[3],
    conv2Channels: shapeOf('conv2/w')[3],
    featureSize: shapeOf('fc1/w')[1],
  };
}
