// Where diffusion overtakes the VAE family, on constructed comparison rows
// where reading the sign of the mean difference would answer differently.
import { describe, expect, it } from 'vitest';
import { diffusionCrossover, type PairRow } from '../src/index.ts';

/** diffusion − vae at one budget, stored in either orientation as comparisons.csv may. */
const gap = (budget: number, diff: number, halfWidth: number, flip = false): PairRow =>
  flip
    ? {
        budget_flops: budget,
        metric: 'fd',
        a: 'vae',
        b: 'diffusion',
        diff: -diff,
        low: -diff - halfWidth,
        high: -diff + halfWidth,
        paired: true,
        seeds: 3,
      }
    : {
        budget_flops: budget,
        metric: 'fd',
        a: 'diffusion',
        b: 'vae',
        diff,
        low: diff - halfWidth,
        high: diff + halfWidth,
        paired: true,
        seeds: 3,
      };

describe('diffusion crossover', () => {
  it('brackets the crossover between the last budget behind and the first ahead, not where the mean changes sign', () => {
    // the mean turns negative at 6e11, but only 2e12 is separated ahead
    const c = diffusionCrossover([gap(2e11, 80, 20), gap(6e11, -10, 30, true), gap(2e12, -60, 20)]);
    expect(c.gaps.map((g) => g.standing)).toEqual(['behind', 'level', 'ahead']);
    expect(c.between).toEqual([2e11, 2e12]);
    expect(c.sentence).toMatch(/overtakes the VAE family between 2e11 and 2e12/);
  });

  it('names no crossover where diffusion falls behind again later, and gives the trend where it never leads', () => {
    const relapse = diffusionCrossover([gap(2e11, 50, 10), gap(6e11, -50, 10), gap(2e12, 40, 10)]);
    expect(relapse.between).toBeUndefined();
    const never = diffusionCrossover([gap(2e11, 300, 20), gap(6e11, 150, 20), gap(2e12, 40, 20)]);
    expect(never.between).toBeUndefined();
    expect(never.sentence).toMatch(/not separated ahead .* the gap narrows from 300 at 2e11 to 40 at 2e12/);
  });

  it('ignores other pairs and the classifier metric', () => {
    const other: PairRow = { ...gap(2e11, -90, 5), a: 'diffusion', b: 'gan' };
    const classifier: PairRow = { ...gap(2e11, -90, 5), metric: 'class_score' };
    expect(diffusionCrossover([other, classifier]).gaps).toEqual([]);
  });
});
