// Checkpoint resume on the webgpu backend (the software adapter): a model
// loaded from a checkpoint takes exactly the original's next step there too
// (it would not if small kernels ran on the CPU while loaded weights still sat
// in host memory; @curtain/backend-webgpu turns that off).
import { webgpuForTests } from '@curtain/backend-webgpu/testing';
import { tf } from '@curtain/core';
import { describe } from 'vitest';
import { resumeSuite } from './resume.ts';

const gpu = await webgpuForTests();

describe.skipIf(gpu.skipReason !== undefined)('checkpoint resume on webgpu (software adapter)', () => {
  resumeSuite(() => tf.setBackend('webgpu'));
});
