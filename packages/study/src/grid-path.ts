import path from 'node:path';

/** Where the sample grid of one variant, sampler, size and budget lives inside a report folder. */
export function gridPath(s: { variant: string; sampler: string; best_size: string; budget_flops: number }): string {
  return path.join('grids', `${s.variant}-${s.sampler}-${s.best_size}-b${s.budget_flops.toExponential(0).replace('+', '')}.png`);
}

/** The grid of real held-out images the study writes beside the samples (the montage's reference row). */
export const REAL_GRID = path.join('grids', 'real-held-out.png');
