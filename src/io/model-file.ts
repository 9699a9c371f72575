import { readFile } from 'node:fs/promises';
import { quoteValue } from './quote-value.js';
import { MODEL_FORMAT, MODEL_VERSION, type ModelDocument } from './model-document.js';
import { describeFsError } from './file-system.js';
import { SCALE_METHODS } from './scaling.js';
import { mclustName } from '../engine/model-names.js';
import { COVARIANCE_TYPES, SKLEARN_TYPES, type CovarianceType } from '../engine/types.js';
import { GmmError } from '../errors.js';

/** More components or columns than this is not a model gmm wrote. */
export const MAX_MODEL_COMPONENTS = 1000;
export const MAX_MODEL_COLUMNS = 10_000;
const WEIGHT_SUM_TOLERANCE = 1e-9;

/** Reads and validates a model file (everything but positive definiteness: see the command). */
export async function readModelFile(path: string): Promise<ModelDocument> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new GmmError(
      'data',
      `${path}: ${describeFsError(error)}`,
      'give the model.json that gmm fit wrote',
    );
  }
  return parseModelDocument(text, path);
}

/**
 * Parses a model JSON and checks its shape: format and version, columns, scaler,
 * components (weights positive and summing to 1, finite means, symmetric covariances
 * of the right size). Each failure names the field, e.g. `components[2].mean[0]`.
 */
export function parseModelDocument(text: string, source: string): ModelDocument {
  const start = text.trimStart();
  if (start === '') {
    throw new GmmError(
      'data',
      `${source}: is empty, not a model`,
      'give the model.json that gmm fit --model wrote',
    );
  }
  if (!start.startsWith('{')) {
    throw new GmmError(
      'data',
      `${source}: is not a model file (a model is JSON, starting with "{")`,
      'give the model.json that gmm fit --model wrote, before the data file',
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new GmmError(
      'data',
      `${source}: is not valid JSON (${describeJsonError(error, text)})`,
      'give the model.json that gmm fit --model wrote, complete',
    );
  }
  const fail = (
    field: string,
    problem: string,
    hint = 'refit the model with gmm fit --model',
  ): never => {
    throw new GmmError('data', `${source}: ${field} ${problem}`, hint);
  };
  const model = asObject(raw, 'the model', fail);
  if (model.format === undefined) {
    fail(
      'format',
      'is missing: this is not a gmm model file',
      'give a model written by gmm fit --model',
    );
  }
  if (model.format !== MODEL_FORMAT) {
    fail(
      'format',
      `is ${quoteValue(String(model.format))}, not "${MODEL_FORMAT}"`,
      'give a model written by gmm fit --model',
    );
  }
  const version = model.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    fail('version', `is ${quoteValue(String(version))}, not a model version`);
  }
  if ((version as number) > MODEL_VERSION) {
    fail(
      'version',
      `is ${version as number}: the model was written by a newer gmm (this one reads version ${MODEL_VERSION})`,
      'upgrade gmm',
    );
  }
  const columns = model.columns;
  if (
    !Array.isArray(columns) ||
    columns.length === 0 ||
    columns.some((c) => typeof c !== 'string')
  ) {
    fail('columns', 'must be a non-empty list of column names');
  }
  const names = columns as string[];
  if (names.length > MAX_MODEL_COLUMNS)
    fail('columns', `lists ${names.length} columns (at most ${MAX_MODEL_COLUMNS})`);
  if (new Set(names).size !== names.length) fail('columns', 'names a column twice');
  const d = names.length;

  const scaler = asObject(model.scaler, 'scaler', fail);
  if (!SCALE_METHODS.includes(scaler.method as never))
    fail('scaler.method', `is ${quoteValue(String(scaler.method))}`);
  finiteVector(scaler.center, d, 'scaler.center', fail);
  finiteVector(scaler.scale, d, 'scaler.scale', fail).forEach((s, j) => {
    if (!(s > 0)) fail(`scaler.scale[${j}]`, `is ${s}; a scale must be positive`);
  });
  // Version 1 knew scikit-learn's four; version 2 any of mclust's fourteen, named in `model`.
  const known: readonly string[] = version === 1 ? SKLEARN_TYPES : COVARIANCE_TYPES;
  if (!known.includes(model.covarianceType as string)) {
    fail(
      'covarianceType',
      `is ${quoteValue(String(model.covarianceType))}, not one of ${known.join(', ')}`,
    );
  }
  if (version !== 1) {
    const expected = mclustName(model.covarianceType as CovarianceType, d);
    if (model.model !== expected) {
      fail(
        'model',
        `is ${quoteValue(String(model.model))}, not "${expected}" (mclust's name of covarianceType ${quoteValue(String(model.covarianceType))})`,
      );
    }
  }

  const components = model.components;
  if (!Array.isArray(components) || components.length === 0)
    fail('components', 'must be a non-empty list');
  const list = components as unknown[];
  if (list.length > MAX_MODEL_COMPONENTS) {
    fail('components', `lists ${list.length} components (at most ${MAX_MODEL_COMPONENTS})`);
  }
  let weightSum = 0;
  list.forEach((entry, k) => {
    const field = `components[${k}]`;
    const component = asObject(entry, field, fail);
    const weight = component.weight;
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0 || weight > 1) {
      fail(`${field}.weight`, `is ${quoteValue(String(weight))}; a weight must be in (0, 1]`);
    }
    weightSum += weight as number;
    finiteVector(component.mean, d, `${field}.mean`, fail);
    const covariance = component.covariance;
    if (!Array.isArray(covariance) || covariance.length !== d)
      fail(`${field}.covariance`, `must be ${d}×${d}`);
    const rows = (covariance as unknown[]).map((row, a) =>
      finiteVector(row, d, `${field}.covariance[${a}]`, fail),
    );
    for (let a = 0; a < d; a++) {
      for (let b = a + 1; b < d; b++) {
        const tolerance =
          1e-9 * Math.max(Math.abs(rows[a][a]), Math.abs(rows[b][b]), Number.MIN_VALUE);
        if (Math.abs(rows[a][b] - rows[b][a]) > tolerance)
          fail(`${field}.covariance`, 'is not symmetric');
      }
    }
    if (component.label !== undefined && typeof component.label !== 'string')
      fail(`${field}.label`, 'must be text');
  });
  if (Math.abs(weightSum - 1) > WEIGHT_SUM_TOLERANCE) {
    fail('components', `have weights summing to ${weightSum}, not 1`);
  }
  return model as unknown as ModelDocument;
}

/**
 * Where JSON.parse gave up, in words that do not depend on the V8 version (whose
 * messages change wording and quote the file): "line 3, column 7", "it ends too soon".
 */
function describeJsonError(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/Unexpected end of JSON input|Unterminated string/i.test(message)) return 'it ends too soon';
  const position = /at position (\d+)/.exec(message);
  if (position !== null) {
    const before = text.slice(0, Number(position[1]));
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    return `line ${line}, column ${column}`;
  }
  const token = /Unexpected token '?(.)'?/.exec(message);
  if (token !== null) return `unexpected ${quoteValue(token[1])}`;
  return quoteValue(message);
}

type Fail = (field: string, problem: string, hint?: string) => never;

function asObject(value: unknown, field: string, fail: Fail): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return fail(field, 'must be a JSON object');
  return value as Record<string, unknown>;
}

function finiteVector(value: unknown, length: number, field: string, fail: Fail): number[] {
  if (!Array.isArray(value) || value.length !== length)
    return fail(field, `must be a list of ${length} numbers`);
  value.forEach((entry, j) => {
    if (typeof entry !== 'number' || !Number.isFinite(entry)) {
      fail(`${field}[${j}]`, `is ${quoteValue(String(entry))}, not a finite number`);
    }
  });
  return value as number[];
}
