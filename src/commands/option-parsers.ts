import { MCLUST_ORDER, modelByName } from '../engine/model-names.js';
import { INIT_METHODS, MCLUST_NAMES, SKLEARN_TYPES, type CovarianceType } from '../engine/types.js';

import type { ComponentsSpec } from '../pipeline/options.js';
import { GmmError } from '../errors.js';

/**
 * An option value that cannot be used: cli/build-program.ts shows it as commander's
 * "option '--x <v>' argument 'y' is invalid. <message>".
 */
function invalid(message: string): GmmError {
  return new GmmError('usage', message);
}

export const AUTO_COMPONENTS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;
const MAX_COMPONENTS = 1000;

export function parseComponents(text: string): ComponentsSpec {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'auto') return { kind: 'sweep', candidates: [...AUTO_COMPONENTS], text: 'auto' };
  const single = /^\d+$/.exec(trimmed);
  if (single) {
    const k = Number(trimmed);
    if (k < 1 || k > MAX_COMPONENTS) {
      throw invalid(`K must be between 1 and ${MAX_COMPONENTS}.`);
    }
    return { kind: 'fixed', nComponents: k };
  }
  const range = /^(\d+)\s*(?:\.\.|-|:)\s*(\d+)$/.exec(trimmed);
  if (range) {
    const low = Number(range[1]);
    const high = Number(range[2]);
    if (low < 1 || high < low || high > MAX_COMPONENTS) {
      throw invalid(`a range of K must run upwards from 1 or more, e.g. 2..8.`);
    }
    return {
      kind: 'sweep',
      candidates: Array.from({ length: high - low + 1 }, (_, i) => low + i),
      text: `${low}..${high}`,
    };
  }
  throw invalid('give a number (5), a range (2..8) or auto.');
}

/** A choice among names; `aliases` (upper case) map other names to them (mclust's for covariance types). */
export function choiceParser<T extends string>(
  choices: readonly T[],
  aliases: Record<string, T> = {},
) {
  return (text: string): T => {
    const lowered = text.trim().toLowerCase();
    const found = choices.find((c) => c === lowered) ?? aliases[text.trim().toUpperCase()];
    if (found === undefined) throw invalid(`choose one of: ${choices.join(', ')}.`);
    return found;
  };
}

/** A covariance model: scikit-learn's four names, any of mclust's fourteen, or E / V. */
export function parseCovariance(text: string): CovarianceType {
  const type = modelByName(text);
  if (type === undefined) {
    throw invalid(
      `choose one of: ${SKLEARN_TYPES.join(', ')}, or an mclust model: ${MCLUST_ORDER.map((t) => MCLUST_NAMES[t]).join(' ')} (E, V for one column).`,
    );
  }
  return type;
}

/**
 * select-k's structures: `all` (mclust's fourteen, in its order), `sklearn` (the four),
 * or a comma-separated list (kept in the order given).
 */
export function parseCovarianceList(text: string): CovarianceType[] {
  const keyword = text.trim().toLowerCase();
  if (keyword === 'all') return [...MCLUST_ORDER];
  if (keyword === 'sklearn') return [...SKLEARN_TYPES];
  const types = text.split(',').map((part) => parseCovariance(part));
  if (new Set(types).size !== types.length) {
    throw invalid('name each covariance type once.');
  }
  return types;
}
export const parseInit = choiceParser(INIT_METHODS);

export function parsePositiveInteger(text: string): number {
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
    throw invalid('give a whole number of 1 or more.');
  }
  return value;
}

/** `auto`, or a whole number of 0 or more (0: mclust's hierarchical start alone). */
export function parseStartCount(text: string): number | 'auto' {
  if (text.trim() === 'auto') return 'auto';
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value)) {
    throw invalid('give auto or a whole number of 0 or more.');
  }
  return value;
}

export function parseSeed(text: string): number {
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value)) {
    throw invalid('give a whole number of 0 or more.');
  }
  return value;
}

export function parsePositiveNumber(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) {
    throw invalid('give a number greater than 0, e.g. 1e-6.');
  }
  return value;
}

export function parseFiniteNumber(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw invalid('give a number.');
  return value;
}

export function parseNonNegativeNumber(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) {
    throw invalid('give a number of 0 or more, e.g. 1e-6.');
  }
  return value;
}

/** Repeatable list options (--cols a,b --cols c): values collected in order. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
