// No package imports one above it: core < data/nn < paradigms < zoo <
// study/benchmarks < scripts. Checked on every package.json's @curtain
// dependencies and on the import specifiers of its src/ and test/ files
// (including relative paths that reach into another package).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');

/** Rank of each layer; a package may only use packages of a strictly lower rank. */
const LAYER: Readonly<Record<string, number>> = {
  '@curtain/core': 0,
  '@curtain/backend-native': 0,
  '@curtain/backend-webgpu': 0,
  '@curtain/data': 1,
  '@curtain/nn': 1,
  '@curtain/metrics': 2,
  '@curtain/autoregressive': 2,
  '@curtain/diffusion': 2,
  '@curtain/flow': 2,
  '@curtain/gan': 2,
  '@curtain/vae': 2,
  '@curtain/zoo': 3,
  '@curtain/study': 4,
  '@curtain/benchmarks': 4,
};

interface Pkg {
  name: string;
  dir: string;
  deps: string[];
}

function workspacePackages(): Pkg[] {
  const dirs = [...readdirSync(path.join(ROOT, 'packages')).map((d) => path.join(ROOT, 'packages', d)), path.join(ROOT, 'benchmarks')];
  return dirs
    .filter((dir) => existsSync(path.join(dir, 'package.json')))
    .map((dir) => {
      const json = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
      const deps = Object.keys({ ...json.dependencies, ...json.devDependencies }).filter((d) => d.startsWith('@curtain/'));
      return { name: json.name as string, dir, deps };
    });
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (entry === 'node_modules') return [];
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|mts|js|mjs)$/.test(entry) ? [full] : [];
  });
}

const SPECIFIER = /(?:from\s+|import\s*\(\s*|^import\s+)['"]([^'"]+)['"]/gm;

/** The workspace package a file's import names: by package name or by a relative path into its folder. */
function importedPackages(file: string, packages: Pkg[]): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const match of text.matchAll(SPECIFIER)) {
    const spec = match[1];
    if (spec.startsWith('@curtain/')) out.push(spec.split('/').slice(0, 2).join('/'));
    else if (spec.startsWith('.')) {
      const target = path.resolve(path.dirname(file), spec);
      const owner = packages.find((p) => target === p.dir || target.startsWith(p.dir + path.sep));
      if (owner) out.push(owner.name);
    }
  }
  return out;
}

/** Every use of a package at or above the user's own layer, as 'user -> used (where)'. */
export function upwardImports(packages: Pkg[]): string[] {
  const problems: string[] = [];
  for (const pkg of packages) {
    const rank = LAYER[pkg.name];
    if (rank === undefined) {
      problems.push(`${pkg.name}: not placed in a layer (add it to LAYER in this test)`);
      continue;
    }
    const check = (used: string, where: string) => {
      if (used === pkg.name) return;
      const usedRank = LAYER[used];
      if (usedRank === undefined || usedRank >= rank) problems.push(`${pkg.name} -> ${used} (${where})`);
    };
    for (const dep of pkg.deps) check(dep, 'package.json');
    for (const file of [...sourceFiles(path.join(pkg.dir, 'src')), ...sourceFiles(path.join(pkg.dir, 'test'))]) {
      for (const used of importedPackages(file, packages)) check(used, path.relative(ROOT, file));
    }
  }
  return problems;
}

describe('layering', () => {
  it('no package depends on or imports one at or above its own layer', () => {
    const packages = workspacePackages();
    expect(packages.length).toBeGreaterThanOrEqual(Object.keys(LAYER).length);
    expect(upwardImports(packages)).toEqual([]);
  });

  it('would catch an upward import', () => {
    const core: Pkg = { name: '@curtain/core', dir: path.join(ROOT, 'packages', 'core'), deps: ['@curtain/backend-native'] };
    const study: Pkg = { name: '@curtain/study', dir: path.join(ROOT, 'packages', 'study'), deps: ['@curtain/benchmarks'] };
    expect(upwardImports([core, study]).filter((p) => p.endsWith('(package.json)'))).toEqual([
      '@curtain/core -> @curtain/backend-native (package.json)',
      '@curtain/study -> @curtain/benchmarks (package.json)',
    ]);
  });
});
