/** The summary formats (a module of its own, so the CLI can list them without loading cli-table3). */
export type SummaryFormat = 'table' | 'json' | 'csv' | 'markdown';

export const SUMMARY_FORMATS: readonly SummaryFormat[] = ['table', 'json', 'csv', 'markdown'];
