// @curtain/backend-webgpu: tfjs-backend-webgpu on Dawn (the registry's `webgpu` package).

export type { AdapterDescription } from './adapter.ts';
export { adapterLabel, gpuDeviceNode } from './adapter.ts';
export type { WebgpuRegistration } from './register.ts';
export { registerWebgpuBackend } from './register.ts';
export { activateWebgpu, WEBGPU_HOW_TO_GET, webgpuAvailability, webgpuSoftwareRequested } from './select.ts';
