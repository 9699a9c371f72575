import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseModelDocument } from '../../src/io/model-file.js';
import { GmmError } from '../../src/errors.js';

interface EditableModel {
  format: string;
  version: number;
  columns: string[];
  scaler: { method: string; center: number[]; scale: number[] };
  covarianceType: string;
  model?: string;
  components: {
    segment: number;
    label: string;
    weight: number;
    mean: unknown[];
    covariance: number[][];
  }[];
}

/** A valid model, written by hand: 2 columns, 2 components. */
function validModel(): EditableModel {
  return {
    format: 'gmm-model',
    version: 1,
    columns: ['a', 'b'],
    scaler: { method: 'standard', center: [1, 2], scale: [3, 4] },
    covarianceType: 'full',
    components: [
      {
        segment: 1,
        label: 'x',
        weight: 0.6,
        mean: [0, 0],
        covariance: [
          [1, 0.5],
          [0.5, 1],
        ],
      },
      {
        segment: 2,
        label: 'y',
        weight: 0.4,
        mean: [1, 1],
        covariance: [
          [2, 0],
          [0, 2],
        ],
      },
    ],
  };
}

function failureOf(text: string): string {
  try {
    parseModelDocument(text, 'model.json');
  } catch (error) {
    expect(error).toMatchObject({ name: 'GmmError', kind: 'data' });
    return (error as GmmError).message;
  }
  throw new Error('expected the model to be refused');
}

function withChange(change: (model: EditableModel) => void): string {
  const model = validModel();
  change(model);
  return JSON.stringify(model);
}

describe('parseModelDocument', () => {
  it('accepts a valid model', () => {
    expect(parseModelDocument(JSON.stringify(validModel()), 'model.json').columns).toEqual([
      'a',
      'b',
    ]);
  });

  it('accepts a version 2 model of any of the fourteen structures, named by mclust', () => {
    const text = withChange((m) => {
      m.version = 2;
      m.covarianceType = 'EVE';
      m.model = 'EVE';
    });
    expect(parseModelDocument(text, 'model.json').covarianceType).toBe('EVE');
    const full = withChange((m) => {
      m.version = 2;
      m.model = 'VVV';
    });
    expect(parseModelDocument(full, 'model.json').model).toBe('VVV');
  });

  it('refuses a JSON file that is not a model', () => {
    const text = readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8');
    expect(() => parseModelDocument(text, 'package.json')).toThrow(
      'package.json: format is missing: this is not a gmm model file',
    );
  });

  it.each([
    [
      'truncated JSON',
      JSON.stringify(validModel()).slice(0, 80),
      /^model\.json: is not valid JSON \(/,
    ],
    [
      'another format',
      withChange((m) => (m.format = 'other')),
      'model.json: format is "other", not "gmm-model"',
    ],
    [
      'a newer version',
      withChange((m) => (m.version = 3)),
      'model.json: version is 3: the model was written by a newer gmm (this one reads version 2)',
    ],
    [
      'a NaN mean',
      withChange((m) => (m.components[1].mean[0] = 'NaN')),
      'model.json: components[1].mean[0] is "NaN", not a finite number',
    ],
    [
      'a NaN token',
      JSON.stringify(validModel()).replace('"mean":[1,1]', '"mean":[NaN,1]'),
      /^model\.json: is not valid JSON/,
    ],
    [
      'weights summing to 0.7',
      withChange((m) => (m.components[1].weight = 0.1)),
      'model.json: components have weights summing to 0.7, not 1',
    ],
    [
      'a zero weight',
      withChange((m) => (m.components[1].weight = 0)),
      'model.json: components[1].weight is "0"; a weight must be in (0, 1]',
    ],
    [
      'an asymmetric covariance',
      withChange((m) => (m.components[0].covariance[0][1] = 0.7)),
      'model.json: components[0].covariance is not symmetric',
    ],
    [
      'a wrong-sized mean',
      withChange((m) => (m.components[0].mean = [0])),
      'model.json: components[0].mean must be a list of 2 numbers',
    ],
    [
      'a zero scale',
      withChange((m) => (m.scaler.scale[1] = 0)),
      'model.json: scaler.scale[1] is 0; a scale must be positive',
    ],
    [
      'an unknown structure',
      withChange((m) => (m.covarianceType = 'VVX')),
      /^model\.json: covarianceType is "VVX", not one of/,
    ],
    [
      'a version 1 file naming a model of version 2',
      withChange((m) => (m.covarianceType = 'VEV')),
      /^model\.json: covarianceType is "VEV", not one of full, tied, diag, spherical$/,
    ],
    [
      'a version 2 file without the mclust name',
      withChange((m) => {
        m.version = 2;
        m.covarianceType = 'VEV';
      }),
      'model.json: model is "undefined", not "VEV" (mclust\'s name of covarianceType "VEV")',
    ],
    [
      "a version 2 file whose mclust name is not its structure's",
      withChange((m) => {
        m.version = 2;
        m.model = 'EEE';
      }),
      'model.json: model is "EEE", not "VVV" (mclust\'s name of covarianceType "full")',
    ],
    [
      'duplicate columns',
      withChange((m) => (m.columns = ['a', 'a'])),
      'model.json: columns names a column twice',
    ],
  ])('refuses %s', (_, text, message) => {
    if (typeof message === 'string') expect(failureOf(text)).toBe(message);
    else expect(failureOf(text)).toMatch(message);
  });

  it('refuses 10^6 declared components without walking them', () => {
    const text = JSON.stringify(validModel()).replace(
      /"components":\[.*\]/,
      `"components":[${'{},'.repeat(999_999)}{}]`,
    );
    expect(failureOf(text)).toBe('model.json: components lists 1000000 components (at most 1000)');
  });
});
