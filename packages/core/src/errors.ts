/**
 * An error caused by the user's input (a flag, a file, a config value). The
 * message names the thing and what was expected; CLIs print it without a stack.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A training run produced a non-finite loss. The study records it as a row. */
export class DivergedError extends Error {
  override name = 'DivergedError';
  constructor(
    readonly step: number,
    readonly lossName: string,
    readonly value: number,
  ) {
    super(`training diverged at step ${step}: ${lossName} = ${value}`);
  }
}

/** Throws DivergedError if any named stat is NaN or infinite. */
export function assertFiniteStats(step: number, stats: Record<string, number>): void {
  for (const [name, value] of Object.entries(stats)) {
    if (!Number.isFinite(value)) throw new DivergedError(step, name, value);
  }
}
