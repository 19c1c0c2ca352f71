// For test files: the webgpu backend on the software adapter, or why not.
// CI sets CURTAIN_REQUIRE_WEBGPU=1, so there a missing adapter fails the run
// instead of skipping the tests.
import { registerWebgpuBackend, type WebgpuRegistration } from './register.ts';

export type WebgpuForTests =
  | { registration: WebgpuRegistration; skipReason?: undefined }
  | { registration?: undefined; skipReason: string };

export async function webgpuForTests(env: NodeJS.ProcessEnv = process.env): Promise<WebgpuForTests> {
  try {
    return { registration: await registerWebgpuBackend({ software: true }) };
  } catch (error) {
    const reason = (error as Error).message;
    if (env.CURTAIN_REQUIRE_WEBGPU === '1') throw new Error(`CURTAIN_REQUIRE_WEBGPU=1 but ${reason}`);
    console.warn(`webgpu tests skipped: ${reason}`);
    return { skipReason: reason };
  }
}
