import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { renderSummary, type FitSummary } from '../../src/present/summary.js';
import { visibleText } from '../../src/io/visible-text.js';

const noColour = new Chalk({ level: 0 });

const SUMMARY: FitSummary = {
  source: 'shop.csv',
  nSamples: 10,
  nDropped: 1,
  columns: ['Income | k$', 'Score'],
  profileColumns: ['Gender'],
  nComponents: 2,
  covarianceType: 'full',
  mclustName: 'VVV',
  logLikelihood: -12.345678,
  logLikelihoodOriginal: -30.5,
  bic: 50.123,
  aic: 40.5,
  icl: 51,
  nParameters: 11,
  iterations: 7,
  converged: true,
  nInit: 20,
  splitMergeMoves: 0,
  selection: {
    criterion: 'bic',
    candidates: [
      { nComponents: 1, value: 60, failure: undefined },
      { nComponents: 2, value: 50.123, failure: undefined },
      { nComponents: 3, value: undefined, failure: 'collapsed' },
    ],
    chosen: 2,
  },
  segments: [
    {
      segment: 1,
      label: 'high income · low score',
      count: 6,
      share: 0.6,
      weight: 0.58,
      means: [88.9812, 15.93],
      certainty: 0.98765,
      profiles: [
        {
          kind: 'shares',
          shares: [
            { category: 'Male', share: 0.5 },
            { category: 'Female', share: 0.5 },
          ],
        },
      ],
    },
    {
      segment: 2,
      label: 'low income · high score',
      count: 4,
      share: 0.4,
      weight: 0.42,
      means: [25.07, 80.21],
      certainty: 0.9,
      profiles: [
        {
          kind: 'shares',
          shares: [
            { category: 'Female', share: 0.75 },
            { category: 'Male', share: 0.25 },
          ],
        },
      ],
    },
  ],
};

describe('renderSummary', () => {
  it('table: the fit line, the K sweep, criteria with their sign, and one row per segment', () => {
    const text = renderSummary(SUMMARY, 'table', noColour);
    expect(text).toContain(
      'shop.csv: 10 rows (1 row with a missing value dropped) · 2 columns · K=2 · full covariance (mclust VVV)',
    );
    expect(text).toContain('K chosen by lowest BIC: K=1 60.00 · K=2 50.12 ← · K=3 failed');
    expect(text).toContain(
      'log-likelihood -12.3457 (scaled data), -30.5000 (original units) · 11 parameters',
    );
    expect(text).toContain('(lower is better, as in scikit-learn; mclust reports BIC = -50.12)');
    expect(text).toContain('EM converged in 7 iterations (best of 20 starts)');
    const rows = text
      .split('\n')
      .filter((line) => line.startsWith('│ 1 ') || line.startsWith('│ 2 '));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(
      /│ 1 +│ high income · low score +│ 6 +│ 60% +│ 88.98 +│ 15.93 +│ 0.9877 +│ Male 50% · Female 50% +│/,
    );
    expect(text.includes('\u001b')).toBe(false); // no colour without a terminal
  });

  it('markdown escapes pipes in names', () => {
    const text = renderSummary(SUMMARY, 'markdown', noColour);
    expect(text).toContain(
      '| segment | label | count | share | mean Income \\| k$ | mean Score | certainty | Gender |',
    );
    expect(text).toContain(
      '| 2 | low income · high score | 4 | 40% | 25.07 | 80.21 | 0.9 | Female 75% · Male 25% |',
    );
  });

  it('json is the summary itself', () => {
    expect(JSON.parse(renderSummary(SUMMARY, 'json', noColour))).toEqual(
      JSON.parse(JSON.stringify(SUMMARY)),
    );
  });

  it('csv has a header and a row per segment', () => {
    const lines = renderSummary(SUMMARY, 'csv', noColour).trim().split('\n');
    expect(lines[0]).toBe('segment,label,count,share,mean Income | k$,mean Score,certainty,Gender');
    expect(lines).toHaveLength(3);
  });

  it('shows control characters from the data instead of sending them to the terminal', () => {
    expect(visibleText('a\u001b[31mred\u0007')).toBe('a\\x1b[31mred\\x07');
    const hostile = { ...SUMMARY, columns: ['evil\u001b[2J', 'Score'] };
    expect(renderSummary(hostile, 'table', noColour)).not.toContain('\u001b');
  });
});
