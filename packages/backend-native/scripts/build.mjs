// Install-time build of the N-API addon with node-gyp. Never fails the install:
// on any problem it prints one line and exits 0; the JS side then reports the
// addon as unavailable with the reason.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const say = (msg) => console.log(`@curtain/backend-native: ${msg}`);

if (process.env.CURTAIN_SKIP_NATIVE === '1') {
  say('native build skipped (CURTAIN_SKIP_NATIVE=1); the native backend will be unavailable');
  process.exit(0);
}
const cxx = process.env.CXX ?? 'g++';
if (spawnSync(cxx, ['--version'], { stdio: 'ignore' }).status !== 0) {
  say(`no C++ compiler (${cxx}) found; skipping the native build, the native backend will be unavailable`);
  process.exit(0);
}
let gyp;
try {
  gyp = require.resolve('node-gyp/bin/node-gyp.js');
} catch {
  say('node-gyp is not installed; skipping the native build');
  process.exit(0);
}
const args = [gyp, 'rebuild', '--release', '-j', 'max'];
const nodedir = process.env.npm_config_nodedir ?? (existsSync('/usr/include/node/node_api.h') ? '/usr' : undefined);
if (nodedir) args.push(`--nodedir=${nodedir}`);
const verbose = process.env.CURTAIN_BUILD_VERBOSE === '1';
const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', stdio: verbose ? 'inherit' : 'pipe' });
if (r.status !== 0) {
  const tail = `${r.stderr ?? ''}`.trim().split('\n').filter((l) => /error/i.test(l)).slice(0, 1).join(' ');
  say(`native build failed (${tail || `node-gyp exit ${r.status}`}); the native backend will be unavailable (CURTAIN_BUILD_VERBOSE=1 for details)`);
  process.exit(0);
}
say('native addon built (build/Release/curtain_native.node)');
