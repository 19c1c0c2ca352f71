// The README's speed tables from benchmark rows: medians with their spread,
// curtain beside PyTorch per thread count, the evaluation row, and the README
// block replaced only between its markers.
import { describe, expect, it } from 'vitest';
import { type BenchRun, currentSpeedBlock, replaceSpeedBlock, SPEED_BEGIN, SPEED_END, speedTables } from '../src/index.ts';

const host = {
  cpu_model: 'Test CPU',
  cores: '2',
  node: 'v20',
  tfjs: '4.22.0',
  backend: 'native',
  blas: 'openblas',
  blas_env: 'unset',
  peer_torch: '1.13',
};

function run(threads: number, rate: string, peer: string): BenchRun {
  return {
    threads,
    train: [
      {
        ...host,
        threads: String(threads),
        variant: 'gan',
        batch: '64',
        examples_per_s: rate,
        examples_per_s_min: '90',
        examples_per_s_max: '130',
        peer_examples_per_s: peer,
        peer_examples_per_s_min: peer,
        peer_examples_per_s_max: peer,
        peer_ratio: String(Number(rate) / Number(peer)),
        repeats: '3',
      },
    ],
    sample: [
      {
        ...host,
        threads: String(threads),
        variant: 'ddpm',
        sampler: 'ddim-10',
        network_evals: '10',
        ms_per_sample: '12.5',
        ms_per_sample_min: '12.5',
        ms_per_sample_max: '12.5',
        peer_ms_per_sample: '25',
        peer_ratio: '0.5',
        repeats: '3',
      },
      {
        ...host,
        threads: String(threads),
        variant: 'evaluation',
        sampler: 'features+fd+kid+pr',
        n: '10000',
        call_ms_p50: '9000',
        note: 'FD 1 ms',
      },
    ],
  };
}

describe('speed tables', () => {
  it('put each thread count side by side, with the spread where repeats differ and the ratio per row', () => {
    const block = speedTables([run(2, '200', '100'), run(1, '110', '100')], ['a', 'b']);
    const gan = block.split('\n').find((line) => line.startsWith('| gan |'));
    // 1 thread first (sorted), the spread in brackets, the ratio as a multiple
    expect(gan).toBe('| gan | 64 | 110 (90–130) | 100 | 1.10x | 200 (90–130) | 100 | 2.00x |');
    // one value when minimum and maximum agree
    expect(block).toContain('| ddpm | ddim-10 | 10 | 12.5 | 25.0 | 0.50x |');
    expect(block).toContain('- 1 thread: 9.00 s for 10,000 samples (features+fd+kid+pr; FD 1 ms).');
    expect(block).toContain('median of 3 repeats');
    expect(block.startsWith(SPEED_BEGIN) && block.endsWith(SPEED_END)).toBe(true);
  });

  it('replace only the README block between the markers, and say so when the markers are missing', () => {
    const readme = `# title\n\nbefore\n${SPEED_BEGIN}\nold table\n${SPEED_END}\nafter\n`;
    const block = speedTables([run(1, '110', '100')], ['a']);
    const next = replaceSpeedBlock(readme, block);
    expect(next.startsWith('# title\n\nbefore\n')).toBe(true);
    expect(next.endsWith('\nafter\n')).toBe(true);
    expect(currentSpeedBlock(next)).toBe(block);
    expect(() => replaceSpeedBlock('# no block\n', block, 'README.md')).toThrow(/README.md: no speed block/);
  });
});
