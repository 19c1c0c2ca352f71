// @curtain/benchmarks: tinybench suites and their report helpers.

export type { EngineCase } from './engine/cases.ts';
export { convAeCase, engineCases, mlpCase } from './engine/cases.ts';
export { formatTable, writeCsv } from './report.ts';
export type { Suite, SuiteOptions, SuiteRow } from './suite.ts';
export { suites } from './suites.ts';
