/**
 * A multi-scale RealNVP flow (Dinh et al. 2017, https://arxiv.org/abs/1605.08803)
 * with Glow's actnorm (Kingma & Dhariwal 2018, https://arxiv.org/abs/1807.03039;
 * its 1x1 convs are skipped: tfjs has no log-determinant, and alternating
 * masks already mix every dimension).
 *
 * Two scales, each: `depth` x (actnorm, checkerboard coupling), squeeze,
 * `depth` x (actnorm, channel coupling); after the first scale half the
 * channels are factored out straight into the latent z.
 *   [B, H, W, 1] -> squeeze [B, H/2, W/2, 4] -> factor out 2 -> [B, H/2, W/2, 2]
 *   -> squeeze [B, H/4, W/4, 8] -> z = [factored (D/2) | final (D/2)], D = H*W
 */
import { type ImageShape, tf, UsageError } from '@curtain/core';
import type { ParamStore } from '@curtain/nn';
import { actnorm, channelCoupling, checkerboardCoupling, type FlowLayer, squeeze, unsqueeze } from './layers.ts';

type Step = { kind: 'layer'; layer: FlowLayer } | { kind: 'squeeze' } | { kind: 'factorOut' };

export class RealNvp {
  private readonly steps: Step[] = [];
  private readonly constants: Array<{ dispose(): void }> = [];
  /** Shape of the factored-out half and of the final tensor, for the inverse. */
  private readonly factoredShape: [number, number, number];
  private readonly finalShape: [number, number, number];

  constructor(store: ParamStore, shape: ImageShape, config: { width: number; depth: number }) {
    const { height, width, channels } = shape;
    if (height % 4 !== 0 || width % 4 !== 0) {
      throw new UsageError(`flow: image sides must be divisible by 4 (two squeezes), got ${height}x${width}`);
    }
    let h = height;
    let w = width;
    let c = channels;
    const add = (layer: FlowLayer) => this.steps.push({ kind: 'layer', layer });
    let factored: [number, number, number] = [0, 0, 0];
    for (let scale = 0; scale < 2; scale++) {
      for (let i = 0; i < config.depth; i++) {
        add(actnorm(store, `s${scale}/checker${i}/actnorm`, c));
        const coupling = checkerboardCoupling(store, `s${scale}/checker${i}`, { height: h, width: w, channels: c }, i % 2, config.width);
        this.constants.push(coupling);
        add(coupling);
      }
      this.steps.push({ kind: 'squeeze' });
      h /= 2;
      w /= 2;
      c *= 4;
      for (let i = 0; i < config.depth; i++) {
        add(actnorm(store, `s${scale}/channel${i}/actnorm`, c));
        add(channelCoupling(store, `s${scale}/channel${i}`, c, i % 2 === 1, config.width));
      }
      if (scale === 0) {
        this.steps.push({ kind: 'factorOut' });
        c /= 2;
        factored = [h, w, c];
      }
    }
    this.factoredShape = factored;
    this.finalShape = [h, w, c];
  }

  /** x [B, H, W, C] (logit space) -> z [B, D] and log|det dz/dx| [B]. */
  forward(x: tf.Tensor4D): { z: tf.Tensor2D; logdet: tf.Tensor1D } {
    const batch = x.shape[0];
    let h = x;
    let logdet = tf.zeros([batch]) as tf.Tensor1D;
    let factored: tf.Tensor4D | undefined;
    for (const step of this.steps) {
      if (step.kind === 'squeeze') h = squeeze(h);
      else if (step.kind === 'factorOut') [factored, h] = tf.split(h, 2, 3) as [tf.Tensor4D, tf.Tensor4D];
      else {
        const out = step.layer.forward(h);
        h = out.y;
        logdet = tf.add(logdet, out.logdet) as tf.Tensor1D;
      }
    }
    const z = tf.concat([tf.reshape(factored!, [batch, -1]), tf.reshape(h, [batch, -1])], 1) as tf.Tensor2D; // [B, D]
    return { z, logdet };
  }

  /** z [B, D] -> x [B, H, W, C] (logit space): the steps undone in reverse order. */
  inverse(z: tf.Tensor2D): tf.Tensor4D {
    const batch = z.shape[0];
    const factoredSize = this.factoredShape.reduce((a, b) => a * b, 1);
    const [zFactored, zFinal] = tf.split(z, [factoredSize, z.shape[1] - factoredSize], 1);
    let h = tf.reshape(zFinal, [batch, ...this.finalShape]) as tf.Tensor4D;
    for (let i = this.steps.length - 1; i >= 0; i--) {
      const step = this.steps[i];
      if (step.kind === 'squeeze') h = unsqueeze(h);
      else if (step.kind === 'factorOut') {
        h = tf.concat([tf.reshape(zFactored, [batch, ...this.factoredShape]), h], 3) as tf.Tensor4D;
      } else h = step.layer.inverse(h);
    }
    return h;
  }

  dispose(): void {
    for (const constant of this.constants) constant.dispose();
  }
}
