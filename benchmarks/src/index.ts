// @curtain/benchmarks: tinybench suites and their report helpers.
export { suites } from './suites.ts';
export type { Suite, SuiteOptions, SuiteRow } from './suite.ts';
export { formatTable, writeCsv } from './report.ts';
export { engineCases, mlpCase, convAeCase } from './engine/cases.ts';
export type { EngineCase } from './engine/cases.ts';
