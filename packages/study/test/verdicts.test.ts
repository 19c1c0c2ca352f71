// Every verdict rule on constructed rows where the old rule (best entry vs the
// runner-up by mean, variants and samplers as rivals, no premise, best size
// chosen on the reported seeds) answers differently.
import { describe, expect, it } from 'vitest';
import { type CsvRow, MIN_VERDICT_SAMPLES, studyVerdicts } from '../src/index.ts';

const FAMILY: Record<string, string> = {
  gan: 'gan',
  vae: 'vae',
  hvae: 'vae',
  pcvae: 'vae',
  flow: 'flow',
  pixelcnn: 'autoregressive',
  ddpm: 'diffusion',
};

interface RowSpec {
  variant: string;
  seed: number;
  fd: number;
  budget?: number;
  size?: string;
  sampler?: string;
  split?: 'report' | 'selection';
  samples?: number;
  ratio?: number;
}

const row = ({ variant, seed, fd, budget = 1e11, size = 's', sampler = 'default', split, samples, ratio }: RowSpec): CsvRow => ({
  run_key: [variant, budget, seed, size, sampler].join('-'),
  paradigm: FAMILY[variant],
  variant,
  sampler,
  size,
  seed: String(seed),
  split: split ?? (seed >= 100 ? 'selection' : 'report'),
  budget_flops: String(budget),
  train_flops: String(budget),
  fd: String(fd),
  status: 'ok',
  eval_samples: String(samples ?? MIN_VERDICT_SAMPLES),
  params: size === 's' ? '100' : size === 'm' ? '200' : '300',
  prediction_error_ratio: ratio === undefined ? '' : String(ratio),
});

/** Rows of one variant over report seeds 1..n (values) plus a selection seed 101. */
const runs = (variant: string, values: number[], extra: Partial<RowSpec> = {}): CsvRow[] => [
  ...values.map((fd, i) => row({ variant, seed: i + 1, fd, ...extra })),
  row({ variant, seed: 101, fd: values[0], ...extra }),
];

const verdictAt = (rows: CsvRow[]) => studyVerdicts(rows).winners[0];

describe('paradigm winners', () => {
  it('names a winner only where it is separated from every rival: a third rival with a wide interval blocks it', () => {
    const rows = [...runs('flow', [100, 101, 102]), ...runs('vae', [150, 151, 152]), ...runs('gan', [40, 200, 360])];
    // old rule: flow's interval lies below the runner-up's (vae), so flow won
    const w = verdictAt(rows);
    expect(w.best_mean).toBe('flow');
    expect(w.fd_rule).toBe('inconclusive');
    expect(w.verdict).toBe('inconclusive');
    // without the wide third rival the same data name flow
    expect(verdictAt(rows.filter((r) => r.variant !== 'gan')).verdict).toBe('flow');
  });

  it('judges each budget on the differences measured at that budget', () => {
    // at 1e11 flow and gan are level; at 1e12 flow is separated ahead. A rule that took the
    // first flow-gan pair in the table (1e11's) would call 1e12 inconclusive, and vice versa.
    const rows = [
      ...runs('flow', [100, 130, 90], { budget: 1e11 }),
      ...runs('gan', [110, 100, 120], { budget: 1e11 }),
      ...runs('flow', [50, 51, 52], { budget: 1e12 }),
      ...runs('gan', [80, 81, 82], { budget: 1e12 }),
    ];
    const winners = studyVerdicts(rows).winners;
    expect(winners.map((w) => [w.budget_flops, w.verdict])).toEqual([
      [1e11, 'inconclusive'],
      [1e12, 'flow'],
    ]);
    // and the other way round: separated at the first budget, level at the second
    const swapped = [
      ...runs('flow', [50, 51, 52], { budget: 1e11 }),
      ...runs('gan', [80, 81, 82], { budget: 1e11 }),
      ...runs('flow', [100, 130, 90], { budget: 1e12 }),
      ...runs('gan', [110, 100, 120], { budget: 1e12 }),
    ];
    expect(studyVerdicts(swapped).winners.map((w) => w.verdict)).toEqual(['flow', 'inconclusive']);
  });

  it('does not treat two variants of one family as rivals', () => {
    const rows = [...runs('vae', [100, 101, 102]), ...runs('hvae', [101, 102, 103]), ...runs('gan', [200, 201, 202])];
    // old rule: hvae is the runner-up and overlaps vae, so inconclusive
    const w = verdictAt(rows);
    expect(w.paradigms.split(' ').sort()).toEqual(['gan', 'vae']);
    expect(w.verdict).toBe('vae');
    const pairs = studyVerdicts(rows).comparisons.filter((c) => c.metric === 'fd');
    expect(pairs).toHaveLength(1);
    expect(pairs[0]).toMatchObject({ a: 'gan', b: 'vae', diff: 100, paired: true });
  });

  it('does not treat two samplers of one model as rivals', () => {
    const rows = [
      ...runs('ddpm', [100, 101, 102], { sampler: 'ddim' }),
      ...runs('ddpm', [100.5, 101.5, 102.5], { sampler: 'ddpm' }),
      ...runs('gan', [200, 201, 202]),
    ];
    const v = studyVerdicts(rows);
    expect(v.paradigms.map((p) => p.paradigm)).toEqual(['diffusion', 'gan']);
    expect(v.winners[0].verdict).toBe('diffusion');
  });

  it('pairs differences over shared seeds', () => {
    // seed effects shared by both paradigms: Welch overlaps, the paired interval does not
    const rows = [...runs('flow', [100, 200, 300]), ...runs('gan', [110, 210, 310])];
    const pair = studyVerdicts(rows).comparisons.find((c) => c.metric === 'fd')!;
    expect(pair.paired).toBe(true);
    expect(pair).toMatchObject({ a: 'flow', b: 'gan', diff: -10, low: -10, high: -10 });
    expect(verdictAt(rows).verdict).toBe('flow');
  });

  it('issues no verdict from fewer than 1,000 samples but keeps what the rule says', () => {
    const rows = [...runs('flow', [100, 101, 102], { samples: 128 }), ...runs('gan', [200, 201, 202], { samples: 128 })];
    const w = verdictAt(rows);
    expect(w.fd_rule).toBe('flow');
    expect(w.verdict).toMatch(/^no verdict \(128 samples/);
  });

  it('judges the paradigms with enough samples: one scored on fewer is named, never wins, and blocks only a winner it still beats', () => {
    const judged = [...runs('flow', [100, 101, 102]), ...runs('vae', [150, 151, 152])];
    // a naive gate (the fewest samples at the budget) would issue no verdict at all
    const behind = verdictAt([...judged, ...runs('pixelcnn', [300, 301, 302], { samples: 250 })]);
    expect(behind.verdict).toBe('flow');
    expect(behind.not_judged).toBe('autoregressive (250)');
    expect(behind.paradigms.split(' ')).not.toContain('autoregressive');
    // a naive rule that drops it would still crown flow although its inflated FD is lower
    const ahead = verdictAt([...judged, ...runs('pixelcnn', [60, 61, 62], { samples: 250 })]);
    expect(ahead.best_mean).toBe('flow');
    expect(ahead.verdict).toBe('inconclusive (autoregressive lower on fewer samples)');
    // where nobody has enough, the gate still withholds the verdict
    const none = verdictAt(runs('flow', [100, 101, 102], { samples: 250 }).concat(runs('vae', [150, 151, 152], { samples: 250 })));
    expect(none.verdict).toMatch(/^no verdict \(250 samples/);
    expect(none.not_judged).toBe('');
  });

  it('lists paradigms not separated below the mean-image row, and not those without an FD at the budget', () => {
    const meanImage = [1, 2].map((seed) => ({ ...row({ variant: 'vae', seed, fd: 300 }), paradigm: 'reference', variant: 'mean-image' }));
    // PixelCNN trained to this budget but was not sampled here (no FD): not scored, so not listed as having learned nothing
    const unscored = [1, 2, 3].map((seed) => ({ ...row({ variant: 'pixelcnn', seed, fd: 0 }), fd: '' }));
    const rows = [...runs('flow', [100, 101, 102]), ...runs('gan', [250, 300, 350]), ...meanImage, ...unscored];
    expect(verdictAt(rows).not_above_mean_image).toBe('gan');
    expect(studyVerdicts(rows).paradigms.find((p) => p.paradigm === 'autoregressive')?.beats_mean_image).toBe('not scored');
  });
});

describe('selection', () => {
  it('chooses the size on selection data that no reported number uses', () => {
    const rows = [
      // reported seeds favour s; the selection seed favours m
      ...[1, 2, 3].map((seed) => row({ variant: 'vae', seed, fd: 100 + seed })),
      ...[1, 2, 3].map((seed) => row({ variant: 'vae', seed, fd: 120 + seed, size: 'm' })),
      row({ variant: 'vae', seed: 101, fd: 500 }),
      row({ variant: 'vae', seed: 101, fd: 90, size: 'm' }),
    ];
    const [vae] = studyVerdicts(rows).summary;
    // old rule: size s (lowest mean FD on the reported seeds)
    expect(vae.best_size).toBe('m');
    expect(vae.selected_on).toBe('selection seed 101');
    expect(vae.fd_mean).toBe(122);
    expect([...vae.bySeed.values()].every((r) => r.split === 'report')).toBe(true);
    expect(vae.size_at_edge).toBe('largest');
  });

  it('cross-fits where a folder has no selection rows: each seed is chosen on the others', () => {
    const rows = [
      // size m is better on seeds 2 and 3 only; seed 1's choice must ignore seed 1
      ...[
        [1, 50, 100],
        [2, 130, 100],
        [3, 130, 100],
      ].flatMap(([seed, s, m]) => [row({ variant: 'vae', seed, fd: s }), row({ variant: 'vae', seed, fd: m, size: 'm' })]),
    ];
    const [vae] = studyVerdicts(rows).summary;
    expect(vae.selected_on).toMatch(/cross-fit/);
    // seed 1: chosen on seeds 2, 3 (s 130, m 100) -> m; seeds 2 and 3: chosen on the others (s 90, m 100) -> s
    expect(vae.fd_values).toEqual([100, 130, 130]);
    expect(vae.best_size).toBe('m|s');
  });
});

describe('predictive-coding hypothesis', () => {
  const family = (pcvae: number[], ratio = 0.3) => [
    ...runs('vae', [120, 121, 122]),
    ...runs('hvae', [118, 119, 120], { ratio: 0.9 }),
    ...runs('pcvae', pcvae, { ratio }),
  ];

  it('says premise not met where diffusion is not separated below the VAE family', () => {
    // old rule: pcvae - hvae lies above zero, so refuted
    const rows = [...family([200, 201, 202]), ...runs('ddpm', [119, 150, 181])];
    const [h] = studyVerdicts(rows).hypothesis;
    expect(h.rule).toBe('refuted');
    expect(h.premise).toBe('not met');
    expect(h.verdict).toBe('premise not met');
  });

  it('tests the hypothesis where the premise holds and the treatment predicts', () => {
    const rows = [...family([80, 81, 82]), ...runs('ddpm', [50, 51, 52])];
    const [h] = studyVerdicts(rows).hypothesis;
    expect(h.premise).toBe('met');
    expect(h.verdict).toBe('supported');
    // the family's representative is pcvae; the gap is diffusion - that representative
    expect(h.vae_family).toBe('pcvae/default/s');
    expect(h.pcvae_minus_hvae).toBeCloseTo(-38, 9);
    expect(h.gap_closed).toBeCloseTo((119 - 81) / (119 - 51), 9);
  });

  it('withholds the verdict where pcvae does not code prediction errors', () => {
    const rows = [...family([80, 81, 82], 0.8), ...runs('ddpm', [50, 51, 52])];
    const [h] = studyVerdicts(rows).hypothesis;
    expect(h.rule).toBe('supported');
    expect(h.verdict).toBe('treatment not predictive');
  });
});
