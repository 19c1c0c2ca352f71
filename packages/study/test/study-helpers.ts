export { compareReports, mergeStudies, parseShard, readCsv, renderReport, runStudy } from '../src/index.ts';

/** A matcher for a rejected promise's message. */
export const UsageErrorOf = (pattern: RegExp) => pattern;
