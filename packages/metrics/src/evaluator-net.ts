/**
 * The evaluator network: a small LeNet-style classifier (LeCun et al. 1998,
 * http://yann.lecun.com/exdb/publis/pdf/lecun-98.pdf) whose penultimate layer
 * (dense 128, after ReLU) gives the features FD, KID and precision/recall use.
 * Pooling is replaced by stride-2 convolutions (Springenberg et al. 2015,
 * https://arxiv.org/abs/1412.6806): the native backend runs convolutions fast,
 * while pooling gradients fall back to slow JavaScript loops.
 */
import { tf } from '@curtain/core';
import { conv2d, dense, type ParamStore } from '@curtain/nn';

export const EVALUATOR_ARCHITECTURE = Object.freeze({
  name: 'lenet-stride2-8-16-128',
  imageSize: 28,
  conv1Channels: 8,
  conv2Channels: 16,
  featureSize: 128,
  classes: 10,
});

export interface EvaluatorNet {
  /** x [B, 28, 28, 1] in [0, 1] -> features [B, 128] (post-ReLU). */
  features(x: tf.Tensor4D): tf.Tensor2D;
  /** features [B, 128] -> class logits [B, 10]. */
  classify(features: tf.Tensor2D): tf.Tensor2D;
}

export function buildEvaluatorNet(store: ParamStore): EvaluatorNet {
  const { imageSize, conv1Channels, conv2Channels, featureSize, classes } = EVALUATOR_ARCHITECTURE;
  const conv1 = conv2d(store, 'conv1', { kernel: 5, inChannels: 1, outChannels: conv1Channels, stride: 2 });
  const conv2 = conv2d(store, 'conv2', { kernel: 5, inChannels: conv1Channels, outChannels: conv2Channels, stride: 2 });
  const flat = (imageSize / 4) ** 2 * conv2Channels;
  const hidden = dense(store, 'fc1', flat, featureSize);
  const head = dense(store, 'fc2', featureSize, classes, 'glorot');
  return {
    features: (x) => {
      const [batch] = x.shape;
      const centred = tf.sub(x, 0.5) as tf.Tensor4D; //           [B, 28, 28, 1]
      const h1 = tf.relu(conv1.apply(centred)); //                [B, 14, 14, 8]
      const h2 = tf.relu(conv2.apply(h1)); //                     [B, 7, 7, 16]
      return tf.relu(hidden.apply(tf.reshape(h2, [batch, flat]) as tf.Tensor2D)); // [B, 128]
    },
    classify: (features) => head.apply(features), //             [B, 10]
  };
}
