import type { RunStatus } from '@curtain/core';

/**
 * Watches each level's KL (nats per image) over the last `window` steps: a
 * level whose average stays below `thresholdNats` carries no information
 * about the data (posterior collapse, Bowman et al. 2016).
 */
export class CollapseMonitor {
  private readonly recent: number[][] = [];

  constructor(
    readonly window: number,
    readonly thresholdNats: number,
  ) {}

  record(klPerLevel: number[]): void {
    this.recent.push(klPerLevel);
    if (this.recent.length > this.window) this.recent.shift();
  }

  /** Average KL per level over the window (empty before any step). */
  averages(): number[] {
    if (this.recent.length === 0) return [];
    const sums = this.recent[0].map(() => 0);
    for (const kls of this.recent) {
      kls.forEach((kl, i) => {
        sums[i] += kl;
      });
    }
    return sums.map((sum) => sum / this.recent.length);
  }

  /** Indices of collapsed levels; none until a full window has been seen. */
  collapsedLevels(): number[] {
    if (this.recent.length < this.window) return [];
    return this.averages().flatMap((kl, i) => (kl < this.thresholdNats ? [i] : []));
  }

  status(): RunStatus {
    return this.collapsedLevels().length > 0 ? 'collapsed' : 'ok';
  }
}
