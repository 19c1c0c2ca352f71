import type { ParadigmEntry } from '@curtain/core';
import { FLOW_DEFAULTS, type FlowConfig } from './config.ts';
import { FlowModel, type FlowSampleOptions } from './model.ts';

export { FLOW_DEFAULTS, type FlowConfig } from './config.ts';
export { FlowModel, type FlowSampleOptions } from './model.ts';
export { RealNvp } from './realnvp.ts';

/** RealNVP/Glow-style coupling flow: bits/dim bound, one network evaluation per sample. */
export const FLOW: ParadigmEntry<FlowConfig, FlowSampleOptions> = {
  variant: 'flow',
  family: 'flow',
  defaults: FLOW_DEFAULTS,
  create: (config, shape, seed) => new FlowModel(config, shape, seed),
  sizes: { s: { width: 16, depth: 2 }, m: { width: 32, depth: 4 }, l: { width: 64, depth: 4 } },
  referenceSize: 'm',
  samplers: [
    { label: 'flow', options: {} },
    { label: 'flow-t0.7', options: { temperature: 0.7 } },
  ],
};
