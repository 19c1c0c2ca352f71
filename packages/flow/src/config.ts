import { type CommonConfig, frozenDefaults } from '@curtain/core';

/** Knobs of the RealNVP/Glow-style flow; `width` and `depth` scale it. */
export interface FlowConfig extends CommonConfig {
  /** Hidden channels of every coupling network. */
  width: number;
  /** Coupling layers per group (each scale has a checkerboard group and a channel group). */
  depth: number;
  batchSize: number;
  learningRate: number;
  /** Logit pre-processing squeezes [0, 1] into [alpha, 1 - alpha] (RealNVP uses 0.05). */
  logitAlpha: number;
  /** Global gradient-norm clip (0: none). */
  clipNorm: number;
}

export const FLOW_DEFAULTS = frozenDefaults<FlowConfig>({
  width: 32,
  depth: 4,
  batchSize: 32,
  learningRate: 1e-3,
  logitAlpha: 0.05,
  clipNorm: 100,
});
