import { createHash } from 'node:crypto';
import type { JsonValue, ModelConfig } from './contract.ts';
import { UsageError } from './errors.ts';

/** Freezes a defaults object (deeply) so no run can mutate another's config. */
export function frozenDefaults<C extends ModelConfig>(defaults: C): Readonly<C> {
  return deepFreeze(structuredClone(defaults));
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * `{...defaults, ...overrides}`, refusing keys the defaults do not have and
 * values of another type, so a typo in a preset is an error, not a silent default.
 */
export function mergeConfig<C extends ModelConfig>(defaults: Readonly<C>, overrides: Partial<C> = {}, what = 'config'): Readonly<C> {
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    if (!(key in defaults)) {
      throw new UsageError(`${what}: unknown key '${key}'; expected one of ${Object.keys(defaults).join(', ')}`);
    }
    const expected = typeof defaults[key];
    if (defaults[key] !== null && typeof value !== expected) {
      throw new UsageError(`${what}: '${key}' must be a ${expected}, got ${JSON.stringify(value)}`);
    }
  }
  const merged = { ...defaults } as Record<string, JsonValue>;
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) merged[key] = value as JsonValue;
  }
  return deepFreeze(structuredClone(merged)) as Readonly<C>;
}

/** JSON with object keys sorted at every level: equal configs, equal text. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new UsageError(`config values must be finite numbers, got ${value}`);
    }
    if (value === undefined) return 'null';
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}

/** A stable content hash (16 hex digits of SHA-256) of any JSON value. */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(stableStringify(value)).digest('hex').slice(0, 16);
}
