import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type CommandSpec, editDistance, HelpRequest, helpText, nearestName, parseCommand, studyCommandSpec } from '../src/index.ts';

const SPEC: CommandSpec = {
  name: 'pnpm toy',
  summary: 'A toy command.',
  positionals: 'DIR',
  flags: {
    preset: { type: 'string', default: 'quick', value: 'NAME', description: 'preset' },
    out: { type: 'string', value: 'DIR', defaultText: 'reports/<preset>', description: 'output' },
    'dry-run': { type: 'boolean', default: false, description: 'plan only' },
  },
  examples: ['pnpm toy x --preset smoke'],
};

describe('command-line flags', () => {
  it('edit distance counts insertions, deletions and substitutions', () => {
    expect(editDistance('preset', 'preset')).toBe(0);
    expect(editDistance('presett', 'preset')).toBe(1);
    expect(editDistance('prset', 'preset')).toBe(1);
    expect(editDistance('dryrun', 'dry-run')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('suggests the nearest flag for a typo and nothing for an unrelated word', () => {
    expect(nearestName('presets', ['preset', 'out', 'dry-run'])).toBe('preset');
    expect(nearestName('dryrun', ['preset', 'out', 'dry-run'])).toBe('dry-run');
    expect(nearestName('zebra', ['preset', 'out', 'dry-run'])).toBeUndefined();
    expect(() => parseCommand(SPEC, ['x', '--prest', 'smoke'])).toThrow(/unknown flag '--prest'; did you mean '--preset'\?/);
    expect(() => parseCommand(SPEC, ['x', '--zebra'])).toThrow(/unknown flag '--zebra' \(see pnpm toy --help\)/);
  });

  it('parses values with defaults and positionals', () => {
    expect(parseCommand(SPEC, ['x'])).toEqual({ values: { preset: 'quick', 'dry-run': false }, positionals: ['x'] });
    const parsed = parseCommand(SPEC, ['x', '--preset=smoke', '--out', '/tmp/o', '--dry-run']);
    expect(parsed.values).toMatchObject({ preset: 'smoke', out: '/tmp/o', 'dry-run': true });
    expect(() => parseCommand({ ...SPEC, positionals: undefined }, ['stray'])).toThrow(/unexpected argument 'stray'/);
    expect(() => parseCommand(SPEC, ['x', '--preset'])).toThrow(/pnpm toy: .*--preset/);
  });

  it('--help anywhere asks for help listing every flag, its default and an example', () => {
    expect(() => parseCommand(SPEC, ['x', '--bogus', '--help'])).toThrow(HelpRequest);
    expect(() => parseCommand(SPEC, ['-h'])).toThrow(HelpRequest);
    const text = helpText(studyCommandSpec('study'));
    for (const [name, flag] of Object.entries(studyCommandSpec('study').flags)) {
      expect(text).toContain(`--${name}`);
      if (flag.default !== undefined || flag.defaultText !== undefined)
        expect(text).toContain(`(default: ${flag.defaultText ?? flag.default})`);
    }
    expect(text).toMatch(/examples:\n {2}pnpm study --preset smoke/);
  });
});

describe('every script answers --help', () => {
  const root = path.resolve(import.meta.dirname, '..', '..', '..');
  const run = promisify(execFile);
  const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
  const script = (name: string) => path.join(root, 'scripts', `${name}.mjs`);
  it('study, reports, bench, merge, compare and speed-table print usage for --help and exit 0', { timeout: 120_000 }, async () => {
    for (const name of ['study', 'reports', 'bench', 'merge', 'compare', 'speed-table']) {
      const help = await run(tsx, [script(name), '--help'], { cwd: root });
      expect(help.stdout).toMatch(new RegExp(`^usage: pnpm ${name}`));
      expect(help.stdout).toContain('examples:');
    }
  });

  it('a mistyped flag exits 2 naming the nearest valid one', { timeout: 60_000 }, async () => {
    const typo = await run(tsx, [script('compare'), 'a', 'b', '--outt', 'x'], { cwd: root }).catch((error) => error);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("unknown flag '--outt'; did you mean '--out'?");
  });
});
