#!/usr/bin/env zx
// pnpm test [vitest args]: says which backends this machine has (the native
// backend makes the suite several times faster), then runs every package's
// tests as one vitest run (projects: packages/* and benchmarks).
import { probeBackends } from '@curtain/core';
import { $ } from 'zx';

const availability = await probeBackends();
for (const [name, status] of Object.entries(availability)) {
  console.log(`backend ${name}: ${status.available ? 'available' : `not available (${status.reason})`}`);
}
$.verbose = true;
try {
  await $({ stdio: 'inherit' })`vitest run ${process.argv.slice(2)}`;
} catch (error) {
  process.exit(error.exitCode ?? 1);
}
