import { contentHash, type HostFingerprint, mergeConfig, type ParadigmEntry, type SamplerSetting, UsageError } from '@curtain/core';
import type { Registry } from '@curtain/zoo';
import { evalSamplesOf, type Preset } from './presets.ts';

/** Version of the evaluation protocol; part of every run key. */
export const PROTOCOL = 'nested-v1';

/** One training run: a variant at one size and seed, evaluated at each budget. */
export interface Job {
  jobKey: string;
  variant: string;
  entry: ParadigmEntry;
  size: string;
  seed: number;
  /** `selection`: a run of a selection seed, used only to choose sizes and samplers; `report`: a reported run. */
  split: 'selection' | 'report';
  config: Record<string, unknown>;
  budgets: number[];
  samplers: SamplerSetting[];
}

export interface PlanContext {
  dataset: string;
  evaluatorId: string;
  /**
   * Where the numbers are measured (see machineKey). It is part of every key,
   * so a clone on other hardware regenerates the rows instead of skipping
   * them as done; shards from several machines still merge, since their rows
   * are distinct runs.
   */
  machine: string;
}

/** The machine a row was measured on: CPU, cores, backend, BLAS and threads (not software versions). */
export function machineKey(host: Pick<HostFingerprint, 'host_cpu' | 'host_cores' | 'backend' | 'blas' | 'threads'>): string {
  return contentHash({ cpu: host.host_cpu, cores: host.host_cores, backend: host.backend, blas: host.blas, threads: host.threads });
}

export function resolveVariants(names: readonly string[], registry: Registry): string[] {
  for (const name of names) {
    if (!registry[name]) {
      throw new UsageError(`unknown paradigm '${name}'; expected one of ${Object.keys(registry).join(', ')}`);
    }
  }
  return [...names];
}

/** Expands a preset into jobs, in a fixed order (variant, size, seed: reported seeds, then selection seeds). */
export function planJobs(preset: Preset, registry: Registry, context: PlanContext): Job[] {
  const jobs: Job[] = [];
  const budgets = [...preset.budgets].sort((a, b) => a - b);
  const selectionSeeds = preset.selectionSeeds ?? [];
  const overlap = selectionSeeds.filter((s) => preset.seeds.includes(s));
  if (overlap.length > 0) {
    throw new UsageError(`preset ${preset.name}: selection seeds must differ from reported seeds (both have ${overlap.join(', ')})`);
  }
  const seeds = [
    ...preset.seeds.map((seed) => ({ seed, split: 'report' as const })),
    ...selectionSeeds.map((seed) => ({ seed, split: 'selection' as const })),
  ];
  for (const variant of resolveVariants(preset.variants, registry)) {
    const entry = registry[variant];
    const sizes = sizesOf(preset, variant, entry);
    const cap = preset.budgetCaps?.[variant] ?? Number.POSITIVE_INFINITY;
    const variantBudgets = budgets.filter((b) => b <= cap);
    if (variantBudgets.length === 0)
      throw new UsageError(`preset ${preset.name}: no budget of ${variant} is within its cap ${cap.toExponential(0)}`);
    const samplers = samplersOf(preset, variant, entry);
    for (const size of sizes) {
      const config = { ...mergeConfig(entry.defaults, entry.sizes[size], `${variant} size ${size}`) };
      for (const { seed, split } of seeds) {
        const jobKey = contentHash({ variant, config, seed, ...context, protocol: PROTOCOL, evalSamples: evalSamplesOf(preset, variant) });
        jobs.push({ jobKey, variant, entry, size, seed, split, config, budgets: variantBudgets, samplers });
      }
    }
  }
  return jobs;
}

/** The sizes a preset trains for a variant: its explicit list, else the first sizeCount. */
export function sizesOf(preset: Preset, variant: string, entry: ParadigmEntry): string[] {
  const listed = preset.sizes?.[variant];
  if (!listed) return Object.keys(entry.sizes).slice(0, preset.sizeCount);
  for (const size of listed) {
    if (!entry.sizes[size]) {
      throw new UsageError(
        `preset ${preset.name}: ${variant} has no size '${size}'; expected some of ${Object.keys(entry.sizes).join(', ')}`,
      );
    }
  }
  if (listed.length === 0) throw new UsageError(`preset ${preset.name}: empty size list for ${variant}`);
  return [...listed];
}

/** The samplers a preset scores for a variant: those not in skipSamplers, all of them or the first. */
export function samplersOf(preset: Preset, variant: string, entry: ParadigmEntry): SamplerSetting[] {
  const kept = entry.samplers.filter((s) => !preset.skipSamplers?.includes(`${variant}:${s.label}`));
  if (kept.length === 0) {
    throw new UsageError(
      `preset ${preset.name}: skipSamplers leaves ${variant} no sampler (it has ${entry.samplers.map((s) => s.label).join(', ')})`,
    );
  }
  return kept;
}

/** The key of one row: everything that determines its numbers. */
export function runKey(job: Job, budget: number, sampler: SamplerSetting, preset: Preset, context: PlanContext): string {
  return contentHash({
    variant: job.variant,
    config: job.config,
    seed: job.seed,
    budget,
    sampler,
    evalSamples: evalSamplesOf(preset, job.variant),
    bpdImages: preset.bpdImages,
    ...context,
    protocol: PROTOCOL,
  });
}

export function referenceKey(variant: string, seed: number, preset: Preset, context: PlanContext): string {
  return contentHash({ variant, seed, evalSamples: preset.evalSamples, ...context, protocol: PROTOCOL });
}

export interface Shard {
  index: number;
  count: number;
}

/** Parses `i/n` (1-based i), e.g. 2/4. */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = match ? Number(match[1]) : Number.NaN;
  const count = match ? Number(match[2]) : Number.NaN;
  if (!match || count < 1 || index < 1 || index > count) {
    throw new UsageError(`--shard: expected i/n with 1 <= i <= n (e.g. 2/4), got '${text}'`);
  }
  return { index, count };
}

/** Deterministic partition: job k (in plan order) belongs to shard (k mod n) + 1. */
export function inShard(position: number, shard: Shard | undefined): boolean {
  return !shard || position % shard.count === shard.index - 1;
}
