import { type RunStatus, UsageError } from '@curtain/core';

/**
 * Watches a GAN's training for the ways it fails without crashing: a
 * discriminator that wins outright (its loss pinned near zero for `window`
 * consecutive steps) or a generator whose samples are all alike.
 */
export class CollapseMonitor {
  private lowLossRun = 0;
  reason = '';

  constructor(
    private readonly window: number,
    private readonly lowLoss: number,
  ) {}

  /** The counter, for checkpoints. */
  getState(): { lowLossRun: number } {
    return { lowLossRun: this.lowLossRun };
  }

  setState(state: unknown): void {
    const s = state as { lowLossRun?: unknown } | null;
    if (typeof s?.lowLossRun !== 'number') throw new UsageError('GAN checkpoint: no collapse-monitor state (lowLossRun)');
    this.lowLossRun = s.lowLossRun;
  }

  /** The discriminator's loss at each step the training loop read back. */
  observe(discriminatorLoss: number): void {
    this.lowLossRun = discriminatorLoss < this.lowLoss ? this.lowLossRun + 1 : 0;
  }

  /** sampleSpread: mean over pixels of the standard deviation across samples. */
  status(sampleSpread: number, diversityThreshold: number): RunStatus {
    if (this.lowLossRun >= this.window) {
      this.reason = `discriminator loss below ${this.lowLoss} for ${this.lowLossRun} consecutive steps`;
      return 'collapsed';
    }
    if (!(sampleSpread >= diversityThreshold)) {
      this.reason = `samples nearly identical (mean per-pixel spread ${sampleSpread.toExponential(2)})`;
      return 'collapsed';
    }
    this.reason = '';
    return 'ok';
  }
}
