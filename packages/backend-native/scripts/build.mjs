// Install-time build of the N-API addon with node-gyp. Never fails the install:
// on any problem it prints one line and exits 0; the JS side then reports the
// addon as unavailable with the reason.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
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
// Skip the rebuild when sources, compiler flags and Node are unchanged: every
// `pnpm install` in the workspace runs this script, possibly while tests use the addon.
const sources = [
  'binding.gyp',
  'scripts/detect-openblas.cjs',
  ...readdirSync(join(root, 'csrc'))
    .sort()
    .map((f) => `csrc/${f}`),
];
const hash = createHash('sha256');
for (const f of sources) hash.update(f).update(readFileSync(join(root, f)));
// and what the OpenBLAS detection finds: installing libopenblas-dev after a
// first build must rebuild with it (the addon would otherwise keep the bundled GEMM).
const detect = (...args) =>
  spawnSync(process.execPath, [join(root, 'scripts', 'detect-openblas.cjs'), ...args], { encoding: 'utf8' }).stdout ?? '';
// -march=native compiles for this CPU's instruction sets (AVX-512 or AVX2 kernels):
// a checkout moved to another CPU, or extra CXXFLAGS, must rebuild.
const cpuFlags = existsSync('/proc/cpuinfo') ? (/^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '') : '';
hash
  .update(process.version)
  .update(cpus()[0]?.model ?? '')
  .update(cpuFlags)
  .update(process.env.CXXFLAGS ?? '')
  .update(process.env.CURTAIN_NO_OPENBLAS ?? '')
  .update(detect())
  .update(detect('--include'));
const stamp = hash.digest('hex');
const stampFile = join(root, 'build', 'Release', 'curtain_native.stamp');
const addon = join(root, 'build', 'Release', 'curtain_native.node');
if (process.env.CURTAIN_FORCE_BUILD !== '1' && existsSync(addon) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
  say('native addon up to date (build/Release/curtain_native.node)');
  process.exit(0);
}
// One build at a time (concurrent installs would race inside build/).
const lock = join(root, '.build-lock');
const deadline = Date.now() + 180_000;
for (;;) {
  try {
    mkdirSync(lock);
    break;
  } catch {
    let age = 0;
    try {
      age = Date.now() - statSync(lock).mtimeMs;
    } catch {
      continue;
    }
    if (age > 300_000) {
      rmSync(lock, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      say('another native build is still running; skipping');
      process.exit(0);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}
process.on('exit', () => rmSync(lock, { recursive: true, force: true }));
if (process.env.CURTAIN_FORCE_BUILD !== '1' && existsSync(addon) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
  say('native addon up to date (built by a concurrent install)');
  process.exit(0);
}
// configure + build (not rebuild): the previous addon stays in place until the
// new one is linked, so processes using it are not disturbed.
const nodedir = process.env.npm_config_nodedir ?? (existsSync('/usr/include/node/node_api.h') ? '/usr' : undefined);
const common = ['--release', ...(nodedir ? [`--nodedir=${nodedir}`] : [])];
const verbose = process.env.CURTAIN_BUILD_VERBOSE === '1';
const gypRun = (cmd, extra = []) =>
  spawnSync(process.execPath, [gyp, cmd, ...common, ...extra], { cwd: root, encoding: 'utf8', stdio: verbose ? 'inherit' : 'pipe' });
let r = gypRun('configure');
if (r.status === 0) r = gypRun('build', ['-j', 'max']);
if (r.status !== 0) {
  const tail = `${r.stderr ?? ''}`
    .trim()
    .split('\n')
    .filter((l) => /error/i.test(l))
    .slice(0, 1)
    .join(' ');
  say(
    `native build failed (${tail || `node-gyp exit ${r.status}`}); the native backend will be unavailable (CURTAIN_BUILD_VERBOSE=1 for details)`,
  );
  process.exit(0);
}
writeFileSync(stampFile, stamp);
say('native addon built (build/Release/curtain_native.node)');
