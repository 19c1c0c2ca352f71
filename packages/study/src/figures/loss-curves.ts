import { FIGURE_CONFIG, type Figure, order, TRAINING_FLOPS_X, VEGA_LITE_SCHEMA } from './style.ts';

/** One point of a training curve, joined with what the run was (from runs.csv). */
export interface CurvePoint {
  paradigm: string;
  variant: string;
  size: string;
  seed: string;
  step: number;
  flops: number;
  loss: number;
}

/** At most this many points per run in the figure (the CSVs keep every recorded step). */
const MAX_POINTS_PER_RUN = 200;

/**
 * Training loss against training FLOPs, one panel per paradigm with its own y
 * scale (a GAN's loss and a PixelCNN's nats share no axis), one line per run
 * coloured by variant. Undefined when no run wrote a curve.
 */
export function lossCurvesFigure(points: CurvePoint[]): Figure | undefined {
  const finite = points.filter((p) => Number.isFinite(p.loss) && p.flops > 0);
  if (finite.length === 0) return undefined;
  const runs = new Map<string, CurvePoint[]>();
  for (const p of finite) {
    const run = `${p.variant}/${p.size}/${p.seed}`;
    runs.set(run, [...(runs.get(run) ?? []), p]);
  }
  const values = [...runs.entries()].flatMap(([run, pts]) => {
    const stride = Math.ceil(pts.length / MAX_POINTS_PER_RUN);
    return pts.filter((_, i) => i % stride === 0 || i === pts.length - 1).map((p) => ({ ...p, run }));
  });
  const paradigms = order([...new Set(values.map((v) => v.paradigm))]);
  return {
    name: 'training-loss-curves',
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: {
        text: 'Training loss against training compute, per paradigm',
        subtitle: "Each line is one run (size, seed); the loss is each model's own objective, so panels have their own y axis",
      },
      config: FIGURE_CONFIG,
      data: { values },
      facet: { field: 'paradigm', type: 'nominal', sort: paradigms, header: { title: null } },
      columns: 3,
      spec: {
        width: 240,
        height: 170,
        mark: { type: 'line', strokeWidth: 1.3, opacity: 0.85 },
        encoding: {
          x: TRAINING_FLOPS_X,
          y: { field: 'loss', type: 'quantitative', scale: { zero: false }, title: 'training loss' },
          color: { field: 'variant', type: 'nominal', title: 'variant' },
          detail: { field: 'run', type: 'nominal' },
        },
      },
      resolve: { scale: { y: 'independent' }, axis: { x: 'independent' } },
    } as Figure['spec'],
  };
}
