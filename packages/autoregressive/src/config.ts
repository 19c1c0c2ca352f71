import { type CommonConfig, frozenDefaults } from '@curtain/core';

/** Knobs of the gated PixelCNN; `width` and `depth` scale the network. */
export interface PixelCnnConfig extends CommonConfig {
  /** Feature channels of each stack (the gates use 2 * width pre-activations). */
  width: number;
  /** Gated blocks after the first (mask A) layer. */
  depth: number;
  batchSize: number;
  learningRate: number;
  /** Intensity levels of the per-pixel categorical: 256 for 8-bit data; tests enumerate small values. */
  levels: number;
  /** Side of the first layer's (mask A) receptive kernel. Odd. */
  firstKernel: number;
  /** Global gradient-norm clip (0: none). */
  clipNorm: number;
}

export const PIXELCNN_DEFAULTS = frozenDefaults<PixelCnnConfig>({
  width: 16,
  depth: 4,
  batchSize: 32,
  learningRate: 1e-3,
  levels: 256,
  firstKernel: 7,
  clipNorm: 100,
});
