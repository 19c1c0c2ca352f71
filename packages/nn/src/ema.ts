import { tf } from '@curtain/core';

/**
 * An exponential moving average of weights (Polyak averaging), used for
 * sampling by the GAN and diffusion models. `withAverage` swaps the averaged
 * values in for the duration of a call and restores the live ones after.
 */
export class WeightAverage {
  private readonly shadow: tf.Variable[];

  constructor(
    private readonly vars: tf.Variable[],
    readonly decay: number,
  ) {
    this.shadow = vars.map((v) => tf.variable(v.clone(), false));
  }

  update(): void {
    tf.tidy(() => {
      this.vars.forEach((v, i) => {
        this.shadow[i].assign(tf.add(tf.mul(this.shadow[i], this.decay), tf.mul(v, 1 - this.decay)));
      });
    });
  }

  withAverage<T>(fn: () => T): T {
    const live = this.vars.map((v) => v.clone());
    this.vars.forEach((v, i) => v.assign(this.shadow[i]));
    try {
      return fn();
    } finally {
      this.vars.forEach((v, i) => v.assign(live[i]));
      tf.dispose(live);
    }
  }

  dispose(): void {
    tf.dispose(this.shadow);
  }
}
