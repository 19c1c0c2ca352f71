import { DivergedError, type JsonValue } from '@curtain/core';

/** Weight of the newest reading in the smoothed loss (about the last 20 readings count). */
const SMOOTHING = 0.05;

/**
 * Divergence that stays finite: a smoothed training loss that has fallen
 * below half of the first reading and then climbs back above that first
 * reading means the model is now worse than it was untrained. NaN and Inf are
 * caught by the training loop; this catches the blow-ups that stay finite (a
 * hierarchical VAE's KL reaching 1e8 nats while every number is still a
 * float). The loss is smoothed (an exponential moving average of about 20
 * readings) so that the single-batch spikes of early training, when the loss
 * can jump threefold for a step and come back, do not end a healthy run. For
 * objectives that only go down in expectation (a likelihood or its bound),
 * not for adversarial losses, which may rise while training goes well.
 */
export class LossWatch {
  private first: number | undefined;
  private smoothed = 0;
  private fell = false;

  /** Records the loss read back after `step`; throws DivergedError when the run has diverged. */
  record(step: number, loss: number): void {
    if (this.first === undefined) {
      this.first = loss;
      this.smoothed = loss;
      return;
    }
    this.smoothed += SMOOTHING * (loss - this.smoothed);
    if (this.smoothed < this.first / 2) this.fell = true;
    if (this.fell && this.smoothed > this.first) {
      throw new DivergedError(step, 'smoothed loss (above its first reading after halving)', this.smoothed);
    }
  }

  /** The state a checkpoint saves, so a resumed run judges as an uninterrupted one would. */
  state(): JsonValue {
    return { first: this.first ?? null, smoothed: this.smoothed, fell: this.fell };
  }

  restore(state: JsonValue): void {
    const { first, smoothed, fell } = (state ?? {}) as { first?: number | null; smoothed?: number; fell?: boolean };
    this.first = typeof first === 'number' ? first : undefined;
    this.smoothed = typeof smoothed === 'number' ? smoothed : (this.first ?? 0);
    this.fell = fell === true;
  }
}
