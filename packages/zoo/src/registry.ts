import { PIXELCNN } from '@curtain/autoregressive';
import type { Family, ParadigmEntry } from '@curtain/core';
import { DDPM } from '@curtain/diffusion';
import { FLOW } from '@curtain/flow';
import { GAN } from '@curtain/gan';
import { HVAE, PCVAE, VAE } from '@curtain/vae';

/** Paradigm entries by variant name. */
export type Registry = Readonly<Record<string, ParadigmEntry>>;

/**
 * Every paradigm curtain knows, by variant name: the one place a paradigm is
 * registered. To add one, export a ParadigmEntry from its package, add the
 * package to this package's dependencies and list the entry here (see the
 * README, "How to add a paradigm"). Presets, --variants, the benchmarks and
 * the contract tests all read this list.
 */
const ENTRIES = {
  gan: GAN,
  vae: VAE,
  hvae: HVAE,
  pcvae: PCVAE,
  pixelcnn: PIXELCNN,
  flow: FLOW,
  ddpm: DDPM,
} satisfies Registry;

export const PARADIGMS: Registry = Object.freeze(ENTRIES);

/** A registered variant name. */
export type Variant = keyof typeof ENTRIES;

/** Every registered variant name, in registry order. */
export const VARIANTS: readonly Variant[] = Object.freeze(Object.keys(ENTRIES) as Variant[]);

/** The families the registered variants belong to, in registry order, each once. */
export function familiesOf(registry: Registry): Family[] {
  return [...new Set(Object.values(registry).map((entry) => entry.family))];
}
