import { parseArgs } from 'node:util';
import { UsageError } from '@curtain/core';

/**
 * One way for every `pnpm` script (study, reports, bench, merge, compare) to
 * declare its flags: the same table parses argv, prints `--help` (every flag,
 * its default and examples) and names the nearest valid flag for a typo.
 */
export interface FlagSpec {
  type: 'string' | 'boolean';
  /** Parsed default (also shown in --help). */
  default?: string | boolean;
  /** What --help shows as the default when it is not a literal (e.g. 'reports/<preset>'). */
  defaultText?: string;
  /** Placeholder for the value in --help, e.g. 'DIR'. */
  value?: string;
  description: string;
}

export interface CommandSpec {
  /** How the user calls it, e.g. 'pnpm study'. */
  name: string;
  summary: string;
  /** Positional arguments as --help shows them, e.g. 'DIR_A DIR_B'; none when absent. */
  positionals?: string;
  flags: Readonly<Record<string, FlagSpec>>;
  examples: readonly string[];
}

export interface ParsedCommand {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** Thrown for --help/-h: the message is the help text; scripts print it to stdout and exit 0. */
export class HelpRequest extends Error {
  override name = 'HelpRequest';
}

/** Parses argv against the spec; --help throws HelpRequest, a bad flag a UsageError naming the nearest valid one. */
export function parseCommand(spec: CommandSpec, argv: string[]): ParsedCommand {
  const { tokens } = parseArgs({ args: argv, options: parseOptions(spec), strict: false, allowPositionals: true, tokens: true });
  if (tokens.some((t) => t.kind === 'option' && (t.name === 'help' || t.name === 'h'))) throw new HelpRequest(helpText(spec));
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    if (!(token.name in spec.flags)) {
      const guess = nearestName(token.name, [...Object.keys(spec.flags), 'help']);
      throw new UsageError(
        `${spec.name}: unknown flag '${token.rawName}'${guess ? `; did you mean '--${guess}'?` : ''} (see ${spec.name} --help)`,
      );
    }
  }
  if (!spec.positionals) {
    const stray = tokens.find((t) => t.kind === 'positional');
    if (stray) throw new UsageError(`${spec.name}: unexpected argument '${stray.value}' (see ${spec.name} --help)`);
  }
  try {
    const { values, positionals } = parseArgs({ args: argv, options: parseOptions(spec), allowPositionals: Boolean(spec.positionals) });
    return { values: values as ParsedCommand['values'], positionals };
  } catch (error) {
    throw new UsageError(`${spec.name}: ${(error as Error).message} (see ${spec.name} --help)`);
  }
}

function parseOptions(spec: CommandSpec) {
  const options: Record<string, { type: 'string' | 'boolean'; default?: string | boolean }> = {
    help: { type: 'boolean' },
    h: { type: 'boolean' },
  };
  for (const [name, flag] of Object.entries(spec.flags)) {
    options[name] = flag.default === undefined ? { type: flag.type } : { type: flag.type, default: flag.default };
  }
  return options;
}

/** Usage, every flag with its default, and examples. */
export function helpText(spec: CommandSpec): string {
  const rows = Object.entries(spec.flags).map(([name, flag]) => {
    const left = `--${name}${flag.type === 'string' ? ` ${flag.value ?? 'VALUE'}` : ''}`;
    const shown = flag.defaultText ?? (flag.default === undefined ? undefined : String(flag.default));
    return { left, right: `${flag.description}${shown === undefined ? '' : ` (default: ${shown})`}` };
  });
  rows.push({ left: '--help, -h', right: 'print this help and exit' });
  const width = Math.max(...rows.map((r) => r.left.length)) + 2;
  return [
    `usage: ${spec.name}${spec.positionals ? ` ${spec.positionals}` : ''} [flags]`,
    '',
    spec.summary,
    '',
    'flags:',
    ...rows.map((r) => `  ${r.left.padEnd(width)}${r.right}`),
    '',
    'examples:',
    ...spec.examples.map((e) => `  ${e}`),
    '',
  ].join('\n');
}

/** The candidate closest to `name` by edit distance, if it is close enough to be a typo. */
export function nearestName(name: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate);
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  if (!best) return undefined;
  return best.distance <= Math.max(2, Math.floor(name.length / 3)) ? best.candidate : undefined;
}

/** Levenshtein distance (insertions, deletions, substitutions). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
