#!/usr/bin/env zx
// pnpm test [vitest args]: says which backends this machine has (the native
// backend makes the suite several times faster), then runs every package's
// tests as one vitest run (projects: packages/* and benchmarks), and ends by
// counting the webgpu tests (files named *webgpu*) that ran and were skipped.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeBackends } from '@curtain/zoo';
import { $ } from 'zx';

const availability = await probeBackends();
for (const [name, status] of Object.entries(availability)) {
  console.log(`backend ${name}: ${status.available ? 'available' : `not available (${status.reason})`}`);
}

/** "webgpu tests: 9 passed, 0 skipped, 0 failed" from vitest's JSON report. */
function webgpuSummary(reportPath) {
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  const counts = { passed: 0, skipped: 0, failed: 0 };
  for (const file of report.testResults ?? []) {
    if (!/webgpu/i.test(file.name)) continue;
    for (const test of file.assertionResults ?? []) {
      const state = test.status === 'passed' ? 'passed' : test.status === 'failed' ? 'failed' : 'skipped';
      counts[state] += 1;
    }
  }
  return counts;
}

const dir = mkdtempSync(join(tmpdir(), 'curtain-test-'));
const reportPath = join(dir, 'vitest.json');
let exitCode = 0;
$.verbose = true;
try {
  await $({ stdio: 'inherit' })`vitest run --reporter=default --reporter=json --outputFile.json=${reportPath} ${process.argv.slice(2)}`;
} catch (error) {
  exitCode = error.exitCode ?? 1;
}
try {
  const c = webgpuSummary(reportPath);
  console.log(`webgpu tests: ${c.passed} passed, ${c.skipped} skipped, ${c.failed} failed`);
  if (process.env.CURTAIN_REQUIRE_WEBGPU === '1' && c.skipped > 0) {
    console.error('CURTAIN_REQUIRE_WEBGPU=1 but some webgpu tests were skipped');
    exitCode ||= 1;
  }
} catch (error) {
  console.log(`webgpu tests: no count (${error.message})`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(exitCode);
