/**
 * gmm against R's mclust 6.0 on mclust's own test data (fixtures/reference/
 * mclust-reference.json, made by make-mclust-reference.R from Mclust(X, G = 1:9) with
 * all 14 models; the data it fitted are fixtures/mclust/*.csv, raw units).
 *
 * mclust has no covariance ridge; gmm's default is reg_covar = 1e-6 (scaled units).
 * These tests fit the raw data with regCovar = 0, the model mclust fits, so that the
 * log-likelihoods are comparable to the digit.
 *
 * Cost: the full search of every cell (630) takes minutes, so the cells are tested by
 * EM (the E- and M-steps, the stopping rule), and the search on the selected cells:
 *  - every cell mclust fits (BIC not NA): mclust's own parameters give mclust's ℓ
 *    under gmm's density (a little more: mclust reports the ℓ before its last
 *    M-step); EM from them ends with an ℓ ≥ mclust's − 1e-6 relative, and no step
 *    lowers ℓ (mclust's solution is almost a fixed point of gmm's M-step, so a wrong
 *    M-step shows); gmm's parameter count is mclust's (nMclustParams) in every cell;
 *  - the selected model of each data set, by gmm's own search from its own starts:
 *    its BIC is at least mclust's (the issue's table, reproduced to its 3 decimals).
 * The comparison of gmm's full sweep with mclust's (every cell searched) is
 * bench/mclust_sweep.mjs.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectationStep, createResponsibilitySums } from '../../src/engine/e-step.js';
import { emRun, finalLogLikelihood, runSteps } from '../../src/engine/em.js';
import { modelByName } from '../../src/engine/model-names.js';
import { freeParameterCount } from '../../src/engine/parameter-count.js';
import { computePrecisionFactors } from '../../src/engine/precision.js';
import { fitMixture } from '../../src/engine/search.js';
import { scoreFit } from '../../src/engine/select-model.js';
import type { CovarianceType, DataMatrix, MixtureParameters } from '../../src/engine/types.js';
import { settings } from './search-fixtures.js';

interface Cell {
  model: string;
  G: number;
  bic: number | null;
  loglik: number | null;
  nParams: number;
  weights?: number[];
  means?: number[][];
  covariances?: number[][];
  classification?: string;
}
interface DataSet {
  name: string;
  file: string;
  n: number;
  d: number;
  selected: { model: string; G: number; bic: number; loglik: number };
  cells: Cell[];
}

const root = new URL('../../', import.meta.url);
const reference = JSON.parse(
  readFileSync(new URL('fixtures/reference/mclust-reference.json', root), 'utf8'),
) as { sets: DataSet[] };

function readData(set: DataSet): DataMatrix {
  const lines = readFileSync(new URL(set.file, root), 'utf8').trim().split('\n').slice(1);
  const values = Float64Array.from(lines.flatMap((line) => line.split(',').map(Number)));
  expect(values.length).toBe(set.n * set.d);
  return { values, nSamples: set.n, nFeatures: set.d };
}

function typeOf(model: string): CovarianceType {
  const type = modelByName(model);
  if (type === undefined) throw new Error(`unknown model ${model}`);
  return type;
}

function mclustParameters(cell: Cell, d: number): MixtureParameters {
  return {
    nComponents: cell.G,
    nFeatures: d,
    covarianceType: typeOf(cell.model),
    weights: Float64Array.from(cell.weights!),
    means: Float64Array.from(cell.means!.flat()),
    covariances: Float64Array.from(cell.covariances!.flat()),
  };
}

const LIMITS = { maxIter: 20_000, tol: 1e-10, accelerate: true };

/** EM from `initial` to convergence; its trajectory and final ℓ. */
function emFrom(data: DataMatrix, type: CovarianceType, K: number, initial: MixtureParameters) {
  const shape = { nComponents: K, covarianceType: type, regCovar: 0 };
  return runSteps(data, emRun(shape, data.nSamples, data.nFeatures, LIMITS, 0, initial, undefined));
}

/** Largest fall of ℓ between two recorded steps, relative to |ℓ|. */
function largestFall(trajectory: readonly number[]): number {
  let fall = 0;
  for (let t = 1; t < trajectory.length; t++) {
    fall = Math.max(fall, (trajectory[t - 1] - trajectory[t]) / Math.abs(trajectory[t]));
  }
  return fall;
}

/**
 * Cells where EM from mclust's solution climbs away from it and ends on a singular
 * covariance (a component of EVV, whose shapes are per component, shrinking onto too
 * few rows): checked to rise above mclust's ℓ within ten steps instead.
 */
const COLLAPSING = ['iris EVV G=7', 'thyroid EVV G=7', 'thyroid EVV G=8'];

const TABLE: Record<string, [string, number, number]> = {
  faithful: ['EEE', 3, -2314.316],
  diabetes: ['VVV', 3, -4751.316],
  thyroid: ['VVI', 3, -4777.907],
  banknote: ['VVE', 3, -1607.574],
  iris: ['VEV', 2, -561.728],
};

/**
 * Where gmm's full sweep (bench/mclust_sweep.mjs, every cell searched) selects a
 * different cell with a better BIC than mclust's selection: the cell, checked here by
 * gmm's search of it alone.
 */
const BETTER_THAN_MCLUST: Record<string, [string, number]> = {
  thyroid: ['VVI', 4],
};

describe.each(reference.sets.map((set) => [set.name, set] as const))('mclust: %s', (_, set) => {
  const data = readData(set);

  it('every cell mclust fits: its ℓ from its parameters, and EM from its solution ends no lower', () => {
    const problems: string[] = [];
    const collapsing: string[] = [];
    let cells = 0;
    for (const cell of set.cells) {
      const type = typeOf(cell.model);
      const p = freeParameterCount(type, cell.G, set.d);
      if (p !== cell.nParams)
        problems.push(`${cell.model} G=${cell.G}: ${p} parameters, mclust ${cell.nParams}`);
      if (cell.loglik === null) continue;
      cells++;
      const target = cell.loglik;
      const label = `${cell.model} G=${cell.G}`;
      const theirs = mclustParameters(cell, set.d);
      const sums = createResponsibilitySums(cell.G, set.d);
      const atTheirs = expectationStep(data, computePrecisionFactors(theirs), null, sums);
      // mclust reports the ℓ of its last E-step and returns the parameters of the
      // M-step after it: their ℓ is a little higher, within mclust's tolerance (1e-5).
      if (
        atTheirs < target - 1e-9 * Math.abs(target) ||
        atTheirs > target + 1e-4 * Math.abs(target)
      ) {
        problems.push(`${label}: ℓ at mclust's parameters ${atTheirs}, mclust ${target}`);
      }
      const fromTheirs = emFrom(data, type, cell.G, theirs);

      for (const [start, run] of [['solution', fromTheirs]] as const) {
        if (run.parameters === undefined) {
          // EM left mclust's point uphill and ran into a singular covariance: mclust's
          // solution is no local maximum (it stops at a relative ℓ change of 1e-5).
          // Ten steps from it must already beat it.
          const early = runSteps(
            data,
            emRun(
              { nComponents: cell.G, covarianceType: type, regCovar: 0 },
              set.n,
              set.d,
              { ...LIMITS, maxIter: 10 },
              0,
              theirs,
              undefined,
            ),
          );
          if (early.parameters === undefined || finalLogLikelihood(early) < target) {
            problems.push(`${set.name} ${label} from mclust's ${start}: failed (${run.failure})`);
          }
          collapsing.push(`${set.name} ${label}`);
          continue;
        }
        const l = finalLogLikelihood(run);
        if (l < target - 1e-6 * Math.abs(target)) {
          problems.push(`${set.name} ${label} from mclust's ${start}: ℓ ${l} < mclust ${target}`);
        }
        if (largestFall(run.trajectory) > 1e-12) {
          problems.push(
            `${label} from mclust's ${start}: ℓ fell by ${largestFall(run.trajectory)}`,
          );
        }
      }
    }
    expect(problems).toEqual([]);
    expect(collapsing).toEqual(COLLAPSING.filter((cell) => cell.startsWith(`${set.name} `)));
    expect(cells).toBe(set.cells.filter((c) => c.bic !== null).length);
  });

  /** BIC (mclust's sign, 2ℓ − p log n) of gmm's default search on the cell, without reg_covar. */
  const searchedBic = (model: string, G: number): number => {
    const fit = fitMixture(
      data,
      settings({ nComponents: G, covarianceType: typeOf(model), regCovar: 0 }),
    );
    return -scoreFit(data, fit).bic;
  };

  it("the selected model, by gmm's search: BIC at least mclust's (the issue's table)", () => {
    const [model, G, published] = TABLE[set.name];
    expect([set.selected.model, set.selected.G]).toEqual([model, G]);
    expect(set.selected.bic.toFixed(3)).toBe(published.toFixed(3));
    const bic = searchedBic(model, G);
    expect(bic).toBeGreaterThanOrEqual(set.selected.bic - 1e-6 * Math.abs(set.selected.bic));
    expect(Number(bic.toFixed(3))).toBeGreaterThanOrEqual(published);
  });

  it.runIf(set.name in BETTER_THAN_MCLUST)(
    "gmm's own selection, where it differs: a better BIC than mclust's selected one",
    () => {
      const [model, G] = BETTER_THAN_MCLUST[set.name];
      const mclust = set.cells.find((c) => c.model === model && c.G === G)!;
      const bic = searchedBic(model, G);
      expect(bic).toBeGreaterThan(set.selected.bic);
      // mclust fitted this cell to a lower optimum (or not at all)
      expect(mclust.bic === null || bic > mclust.bic).toBe(true);
    },
  );
});
