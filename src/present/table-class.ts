import { createRequire } from 'node:module';
import type TableClass from 'cli-table3';

const require = createRequire(import.meta.url);
let loaded: typeof TableClass | undefined;

/**
 * cli-table3's class, loaded on first use: only the table formats draw one, and loading
 * it (CommonJS, with string-width and its dependencies) cost every select-k and fit run
 * ~9 ms, JSON and CSV output included.
 */
export function tableClass(): typeof TableClass {
  loaded ??= require('cli-table3') as typeof TableClass;
  return loaded;
}
