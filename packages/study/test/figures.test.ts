import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import {
  CurveWriter,
  curveStride,
  paretoFrontier,
  qualityVsFlopsFigure,
  readCsv,
  referenceLevels,
  type SummaryRow,
  svgToPng,
  vegaLiteToSvg,
} from '../src/index.ts';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'curtain-figures-'));

describe('Pareto frontier of quality against sampling cost', () => {
  it('keeps exactly the points no other point beats on both cost and FD', () => {
    const points = [
      { entry: 'cheap-bad', cost: 1, fd: 500 },
      { entry: 'dominated', cost: 5, fd: 600 }, // the second-best FD of a naive sort would not make it
      { entry: 'mid', cost: 10, fd: 300 },
      { entry: 'tie-cost-worse', cost: 10, fd: 350 },
      { entry: 'best', cost: 1000, fd: 100 },
      { entry: 'costly-worse', cost: 2000, fd: 150 },
    ];
    expect(paretoFrontier(points).map((p) => p.entry)).toEqual(['cheap-bad', 'mid', 'best']);
    expect(paretoFrontier([])).toEqual([]);
  });
});

describe('reference levels', () => {
  it('reads every reference variant generically, lowest FD first', () => {
    const rows = [
      { paradigm: 'reference', variant: 'noise', fd: '800', seed: '1', finished_at: 'a' },
      { paradigm: 'reference', variant: 'data', fd: '5', seed: '1', finished_at: 'a' },
      { paradigm: 'reference', variant: 'data', fd: '7', seed: '2', finished_at: 'a' },
      { paradigm: 'reference', variant: 'mean-image', fd: '300', seed: '1', finished_at: 'a' },
      { paradigm: 'vae', variant: 'vae', fd: '100', seed: '1', finished_at: 'a' },
    ];
    expect(referenceLevels(rows).map((r) => [r.variant, r.fd])).toEqual([
      ['data', 6],
      ['mean-image', 300],
      ['noise', 800],
    ]);
  });
});

describe('figures', () => {
  const row = (entry: string, variant: string, budget: number, fd: number): SummaryRow =>
    ({ entry, variant, sampler: '', budget_flops: budget, fd_mean: fd, fd_low: fd * 0.8, fd_high: fd * 1.2 }) as SummaryRow;

  it('quality against FLOPs has one panel per paradigm, each with every reference rule', { timeout: 60_000 }, async () => {
    const summary = [
      row('vae', 'vae', 1e10, 300),
      row('vae', 'vae', 1e11, 200),
      row('ddpm', 'ddpm', 1e10, 900),
      row('ddpm', 'ddpm', 1e11, 250),
    ];
    const references = [
      { variant: 'data', label: 'real held-out data', fd: 5 },
      { variant: 'noise', label: 'uniform noise', fd: 800 },
    ];
    const figure = qualityVsFlopsFigure(summary, references, (v) => (v === 'ddpm' ? 'diffusion' : 'vae'));
    const values = (figure.spec as unknown as { data: { values: Array<Record<string, unknown>> } }).data.values;
    for (const paradigm of ['vae', 'diffusion']) {
      expect(values.filter((v) => v.kind === 'reference' && v.paradigm === paradigm).map((v) => v.reference)).toEqual([
        'real held-out data',
        'uniform noise',
      ]);
    }
    const svg = await vegaLiteToSvg(figure.spec);
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('Sample quality against training compute');
    expect(svg).toContain('font-family="DejaVu Sans"');
    const png = PNG.sync.read(svgToPng(svg));
    // the bundled font draws text even with system fonts off: dark pixels in the title band
    let dark = 0;
    for (let y = 0; y < 40; y++) for (let x = 0; x < png.width; x++) if (png.data[(y * png.width + x) * 4] < 100) dark++;
    expect(dark).toBeGreaterThan(200);
  });
});

describe('training curves', () => {
  it('append every stride-th step once; a resumed job continues after the last step on file', () => {
    const file = path.join(tmp(), 'curves', 'job.csv');
    expect(curveStride(100)).toBe(1);
    expect(curveStride(1000)).toBe(5);
    const first = new CurveWriter(file, 2);
    for (let step = 1; step <= 7; step++) first.record(step, step / 10, { loss: 10 - step, kl: step });
    expect(readCsv(file).map((r) => r.step)).toEqual(['2', '4', '6']);
    expect(readFileSync(file, 'utf8').split('\n')[0]).toBe('step,seconds,loss,kl');
    // resume: training restarts from step 1 (or a checkpoint) and passes steps already on file
    const resumed = new CurveWriter(file, 2);
    for (let step = 1; step <= 10; step++) resumed.record(step, step / 10, { kl: step, loss: 20 - step });
    const rows = readCsv(file);
    expect(rows.map((r) => r.step)).toEqual(['2', '4', '6', '8', '10']);
    expect(rows.at(-1)).toEqual({ step: '10', seconds: '1', loss: '10', kl: '10' });
  });

  it('a loop that reads statistics back only every k steps still gets about one line per stride', () => {
    const file = path.join(tmp(), 'curves', 'job.csv');
    const writer = new CurveWriter(file, 4);
    for (let step = 3; step <= 30; step += 3) writer.record(step, step, { loss: step });
    expect(readCsv(file).map((r) => Number(r.step))).toEqual([6, 12, 18, 24, 30]);
  });
});
