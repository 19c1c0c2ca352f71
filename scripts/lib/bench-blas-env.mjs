// Imported first by scripts/bench.mjs: removes the OpenBLAS tuning variables
// (BLAS_OVERRIDES: OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE) from this process's
// environment before the native addon or any PyTorch peer loads OpenBLAS, so
// both sides of every benchmark run with the library's own detection, and
// records what it removed for the blas_env column. Benchmarks only: tests and
// CI never import this.
import { BLAS_ENV_NOTE, BLAS_OVERRIDES } from '../../benchmarks/src/host.ts';

const removed = BLAS_OVERRIDES.filter((k) => process.env[k] !== undefined).map((k) => `${k}=${process.env[k]}`);
for (const k of BLAS_OVERRIDES) delete process.env[k];
process.env[BLAS_ENV_NOTE] = removed.length ? `unset (was ${removed.join(' ')})` : 'unset';
