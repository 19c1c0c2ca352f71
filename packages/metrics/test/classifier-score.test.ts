import { describe, expect, it } from 'vitest';
import { CONFIDENT_PROBABILITY, classifierScore, featureMatrixFromRows } from '../src/index.ts';

const oneHot = (k: number, classes = 10) => Array.from({ length: classes }, (_, j) => (j === k ? 1 : 0));

describe('classifier score', () => {
  it('is 1 and never confident when every sample gets the same uniform distribution', () => {
    const uniform = featureMatrixFromRows(Array.from({ length: 20 }, () => Array(10).fill(0.1)));
    expect(classifierScore(uniform)).toEqual({ confident: 0, score: 1 });
  });

  it('reaches the class count for confident, balanced samples and drops with mode collapse', () => {
    const balanced = featureMatrixFromRows(Array.from({ length: 40 }, (_, i) => oneHot(i % 10)));
    const both = classifierScore(balanced);
    expect(both.confident).toBe(1);
    expect(both.score).toBeCloseTo(10, 9);
    const collapsed = classifierScore(featureMatrixFromRows(Array.from({ length: 40 }, (_, i) => oneHot(i % 2))));
    expect(collapsed.score).toBeCloseTo(2, 9);
  });

  it('counts a sample confident only at the threshold probability or above', () => {
    const just = (p: number) => [p, 1 - p, ...Array(8).fill(0)];
    const score = classifierScore(featureMatrixFromRows([just(CONFIDENT_PROBABILITY), just(CONFIDENT_PROBABILITY - 0.01)]));
    expect(score.confident).toBe(0.5);
  });
});
