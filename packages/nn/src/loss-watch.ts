import { DivergedError, type JsonValue } from '@curtain/core';

/**
 * Divergence that stays finite: a training loss that has fallen below half of
 * its first reading and then climbs back above that first reading means the
 * model is now worse than it was untrained. NaN and Inf are caught by the
 * training loop; this catches the blow-ups that stay finite (a hierarchical
 * VAE's KL reaching 1e8 nats while every number is still a float). For
 * objectives that only go down in expectation (a likelihood or its bound), not
 * for adversarial losses, which may rise while training goes well.
 */
export class LossWatch {
  private first: number | undefined;
  private fell = false;

  /** Records the loss read back after `step`; throws DivergedError when the run has diverged. */
  record(step: number, loss: number): void {
    if (this.first === undefined) {
      this.first = loss;
      return;
    }
    if (loss < this.first / 2) this.fell = true;
    if (this.fell && loss > this.first) throw new DivergedError(step, 'loss (above its first reading after halving)', loss);
  }

  /** The state a checkpoint saves, so a resumed run judges as an uninterrupted one would. */
  state(): JsonValue {
    return { first: this.first ?? null, fell: this.fell };
  }

  restore(state: JsonValue): void {
    const { first, fell } = (state ?? {}) as { first?: number | null; fell?: boolean };
    this.first = typeof first === 'number' ? first : undefined;
    this.fell = fell === true;
  }
}
