import { PIXELCNN } from '@curtain/autoregressive';
import type { ParadigmEntry } from '@curtain/core';
import { DDPM } from '@curtain/diffusion';
import { FLOW } from '@curtain/flow';
import { GAN } from '@curtain/gan';
import { HVAE, PCVAE, VAE } from '@curtain/vae';
import type { Registry } from './plan.ts';

/**
 * Every paradigm the study knows, by variant name. To add one: export a
 * ParadigmEntry from its package and list it here (see the README).
 */
export const PARADIGMS: Registry = Object.freeze({
  gan: GAN as unknown as ParadigmEntry,
  vae: VAE as unknown as ParadigmEntry,
  hvae: HVAE as unknown as ParadigmEntry,
  pcvae: PCVAE as unknown as ParadigmEntry,
  pixelcnn: PIXELCNN as unknown as ParadigmEntry,
  flow: FLOW as unknown as ParadigmEntry,
  ddpm: DDPM as unknown as ParadigmEntry,
});
