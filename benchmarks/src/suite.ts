// Pluggable benchmark suites: name -> async function returning CSV rows.
import type { Registry } from '@curtain/zoo';
export interface SuiteOptions {
  /** Comma-separated backend names to run (default: every backend the suite knows). */
  backend?: string;
  /** Substring a case name must contain. */
  filter?: string;
  /** Threads for multi-threaded backends and peers (default: CURTAIN_THREADS or all cores). */
  threads?: number;
  log?: (line: string) => void;
  /** Timed repeats of each train and sample case, interleaved with as many runs of the PyTorch peer (default 1). */
  repeats?: number;
  /** The paradigms the train and sample suites measure (default: the zoo's registry; tests add a toy). */
  registry?: Registry;
}

export type SuiteRow = Record<string, string | number | boolean>;
export type Suite = (opts: SuiteOptions) => Promise<SuiteRow[]>;
