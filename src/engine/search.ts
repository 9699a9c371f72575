import { dataVariances } from './degeneracy.js';
import {
  emRun,
  finalLogLikelihood,
  parametersFromMemberships,
  runSteps,
  startParameters,
  type EmLimits,
  type EmSettings,
  type StartRun,
} from './em.js';
import { wardLabels } from './hierarchical.js';
import { modelHierarchyLabels } from './model-hierarchy.js';
import { componentOrder, permuteComponents } from './order-components.js';
import { CONVERGENCE_STEPS, searchPlan, stepCostPerRow, type SearchPlan } from './search-plan.js';
import {
  grownStarts,
  regrowStarts,
  reseedStarts,
  shrunkStarts,
  splitMergeStarts,
} from './split-merge.js';
import { effectiveRows, startMethod, type DataMatrix, type MixtureParameters } from './types.js';
import { GmmError, isGmmError } from '../errors.js';

/** Distinct solutions a search hands on (to be refined on all rows when it ran on a subsample). */
export const KEPT_SOLUTIONS = 3;

/** Two solutions whose ℓ agree to this relative precision are taken to be the same optimum. */
const SAME_OPTIMUM = 1e-9;

/**
 * Two solutions whose parameters (weights, means, covariances in scaled units, components
 * paired) all agree within this many √tol are the same optimum too. A run the stopping
 * rule ends within tol·n of an optimum's ℓ can be about √(2 tol) from it in a
 * parameter of unit information per row, so copies of one optimum differ in ℓ by far
 * more than SAME_OPTIMUM (on 5000 rows at tol 1e-7: up to 6e-6 relative) yet agree in
 * every parameter to ~1e-4 (√tol = 3e-4). Each copy kept would be refined on all rows,
 * in the race, to the same point.
 */
const SAME_PARAMETERS = 10;

/** How one short run from a random start ended. */
export interface StartOutcome {
  readonly start: number;
  readonly logLikelihood: number | undefined;
  readonly iterations: number;
  readonly failure: string | undefined;
}

/** A search's result for one model (K, structure). */
export interface CellSearch {
  /** Distinct non-degenerate converged solutions, best first (at most KEPT_SOLUTIONS). */
  readonly solutions: StartRun[];
  readonly starts: StartOutcome[];
  /** Moves (split-and-merge, reseed, regrow, or from K − 1 or K + 1) that improved the best solution. */
  readonly moves: number;
  /** Why there is no solution (every start failed or was degenerate). */
  readonly failure: string | undefined;
}

/**
 * What the stages of one model's search share: its plan, the run helpers, and the
 * operations spent (E-steps × their cost), by which polishing and moves stop.
 */
interface SearchContext {
  readonly plan: SearchPlan;
  readonly fullLimits: EmLimits;
  readonly stepCost: number;
  spent: number;
  /** EM from `initial` under `limits`; `model`: the cell's settings, or a regrow move's K − 1 components. */
  run(start: number, initial: MixtureParameters, limits: EmLimits, model?: EmSettings): StartRun;
  /** A run continued, within --max-iter in all (its first E-step repeats the last one). */
  continueRun(from: StartRun, limits: EmLimits): StartRun;
}

function searchContext(
  data: DataMatrix,
  settings: EmSettings,
  variances: Float64Array,
): SearchContext {
  const { nFeatures: d } = data;
  // The rows the data stand for (Σ weights): budgets, convergence and the degeneracy
  // rules then treat a weighted row as the rows it repeats.
  const n = effectiveRows(data);
  const context: SearchContext = {
    plan: searchPlan(n, d, settings.nComponents, settings.covarianceType, settings.nInit),
    fullLimits: { maxIter: settings.maxIter, tol: settings.tol, accelerate: true },
    stepCost: n * stepCostPerRow(d, settings.nComponents, settings.covarianceType),
    spent: 0,
    run(start, initial, limits, model = settings) {
      const result = runSteps(data, emRun(model, n, d, limits, start, initial, variances));
      context.spent += result.trajectory.length * context.stepCost;
      return result;
    },
    continueRun(from, limits) {
      return from.converged || from.trajectory.length >= settings.maxIter
        ? from
        : joinRuns(
            from,
            context.run(from.start, from.parameters!, {
              ...limits,
              maxIter: Math.min(limits.maxIter, settings.maxIter - from.trajectory.length + 1),
            }),
          );
    },
  };
  return context;
}

/**
 * The search for one model on `data` (see search-plan.ts and docs/DESIGN.md, "The
 * search"): short runs from random starts and one from Ward's hierarchy; successive
 * halving (the best, and the best of each seeding method, run on, then to
 * convergence, accelerated); then moves from the best until a round improves nothing
 * (improveByMoves). Degenerate solutions are refused at every stage (findDegeneracy,
 * against `variances`, the data's column variances). `onStarts` hears of each short
 * run done. `final`: whether `data` are all the rows (false: a subsample whose best
 * solutions the race refines on all rows).
 */
export function searchCell(
  data: DataMatrix,
  settings: EmSettings,
  variances: Float64Array = dataVariances(data),
  onStarts?: (done: number, total: number) => void,
  final = true,
): CellSearch {
  const context = searchContext(data, settings, variances);
  const { plan, fullLimits, run, continueRun } = context;
  // With no random starts there is nothing to rank: the hierarchical start runs to
  // convergence at once (the later stages then find it converged).
  const shortLimits: EmLimits =
    plan.nStarts === 0
      ? fullLimits
      : {
          maxIter: Math.min(plan.shortIterations, settings.maxIter),
          tol: settings.tol,
          accelerate: false,
        };

  const shortRuns: StartRun[] = [];
  for (let start = 0; start < plan.nStarts; start++) {
    let initial: MixtureParameters;
    try {
      initial = startParameters(data, settings, start);
    } catch (error) {
      if (!isGmmError(error, 'numeric')) throw error;
      shortRuns.push(failedRun(start, error.message));
      continue;
    }
    shortRuns.push(run(start, initial, shortLimits));
    onStarts?.(start + 1, plan.nStarts);
  }
  // Two more, deterministic, numbered after the random starts: Ward's hierarchy
  // (hierarchical.ts) and the model-based one on the SVD-scaled data
  // (model-hierarchy.ts, mclust's default start), each cut at K.
  const hierarchical = plan.wardStart ? plan.nStarts : -1;
  const modelHierarchical = plan.modelHierarchyStart ? plan.nStarts + 1 : -1;
  const deterministic: [number, () => Int32Array][] = [
    [hierarchical, () => wardLabels(data, settings.nComponents)],
    [modelHierarchical, () => modelHierarchyLabels(data, settings.nComponents)],
  ];
  for (const [start, labels] of deterministic) {
    if (start < 0) continue;
    try {
      const initial = labelledStart(data, settings, labels());
      shortRuns.push(run(start, initial, shortLimits));
    } catch (error) {
      if (!isGmmError(error, 'numeric')) throw error;
    }
  }
  const starts = shortRuns.map(outcome);
  const methodOf = (r: StartRun) =>
    r.start === hierarchical
      ? 'hierarchical'
      : r.start === modelHierarchical
        ? 'model-hierarchical'
        : startMethod(settings.init, r.start);

  // Successive halving: the best short runs go on for a while, the best of those on
  // to convergence; a degenerate one makes room for the next.
  const failures = shortRuns.map((r) => r.failure).filter((f) => f !== undefined);
  const middleLimits: EmLimits = {
    maxIter: plan.middleIterations,
    tol: settings.tol,
    accelerate: true,
  };
  const middle = diverseBest(shortRuns, plan.nMiddle, methodOf).map((shortRun) =>
    continueRun(shortRun, middleLimits),
  );
  middle.forEach((r) => r.failure !== undefined && failures.push(r.failure));
  const ranked = diverseBest(middle, plan.nPolished, methodOf, 1);
  // Polishing and the moves may spend at least what exploring did: where one E-step is
  // dear (d = 30, full: the 50 short runs alone cost twice the plan's budget) a fixed
  // budget left one run polished and no move tried, and the search missed optima that
  // a second polished run or a split-and-merge move reaches. Not on a subsample, which
  // only ranks solutions for the race on all rows: there the fixed budget keeps a sweep
  // of large data within its time.
  const budget = final ? Math.max(plan.budget, 2 * context.spent) : plan.budget;
  const polished: StartRun[] = [];
  // No bar here: an optimum whose EM crawls (Mall spherical K=3 takes ~500 steps)
  // looks beaten until late, and only a run to convergence shows it.
  for (let a = 0; a < ranked.length && (polished.length === 0 || context.spent < budget); a++) {
    const continued = continueRun(ranked[a], fullLimits);
    if (continued.failure !== undefined || continued.parameters === undefined) {
      failures.push(continued.failure ?? 'singular');
      continue;
    }
    polished.push(continued);
  }
  if (polished.length === 0) {
    const reasons = [...new Set(failures)].slice(0, 2).join('; ');
    return {
      solutions: [],
      starts,
      moves: 0,
      failure: `every one of ${shortRuns.length} starts collapsed or became singular (${reasons})`,
    };
  }
  polished.sort(byLogLikelihood);
  const moves = improveByMoves(data, settings, context, polished, budget);
  return {
    solutions: distinct(polished, settings.tol).slice(0, KEPT_SOLUTIONS),
    starts,
    moves,
    failure: undefined,
  };
}

/** The best solutions of a model's neighbours: K − 1 and K + 1 components, same structure. */
export interface Neighbours {
  readonly smaller?: MixtureParameters;
  readonly larger?: MixtureParameters;
}

/**
 * A model's search (`search`, from searchCell on the same `data`) carried on from the
 * best solutions of its neighbours' searches:
 * - grown from K − 1 (`smaller`): each of its components split in turn (grownStarts),
 *   every candidate run to convergence, none stopped early for looking unable to pass
 *   the best so far: they are few, and the one that reaches the optimum can rank low
 *   after a short run and climb slowly (iris raw, diag K = 7: 0.05 nats short with
 *   moves' rules);
 * - shrunk from K + 1 (`larger`): each pair of its components merged (shrunkStarts),
 *   run by moves' rules (a short run each, the best few on past the bar): there are
 *   K(K + 1)/2 of them.
 * When the best candidate beats the search's best, moves (improveByMoves) go on from
 * it. The search alone reaches the optimum K − 1 components leave room for, or the
 * one K + 1 components crowd into, only by chance: standardised breast cancer, tied
 * K = 5, it ended 285 nats below the optimum grown from K = 4 (96 below
 * scikit-learn's best of 300 starts); faithful standardised, tied K = 7, 2.5 below the
 * one shrunk from K = 8. A sweep does this for every model from its neighbours'
 * searches alone; `fit -k K` searches K − 1 and K + 1 too, so its result is the
 * sweep's cell K. A failed search may be rescued; the result is never below
 * `search`'s best.
 */
export function fromNeighbours(
  data: DataMatrix,
  settings: EmSettings,
  search: CellSearch,
  { smaller, larger }: Neighbours,
  variances: Float64Array = dataVariances(data),
): CellSearch {
  const context = searchContext(data, settings, variances);
  const { plan } = context;
  const K = settings.nComponents;
  if (!plan.fromNeighbours) return search;
  const polished = [...search.solutions];
  const from = polished[0];
  const runs = moveRuns(context, from?.start ?? 0);
  let best: StartRun | undefined;
  if (smaller?.nComponents === K - 1) {
    const candidates = grownStarts(data, smaller);
    best = bestMove(
      data,
      settings,
      from,
      candidates,
      { ...plan, movesPolished: candidates.length },
      { ...runs, rest: (candidate) => context.continueRun(candidate, context.fullLimits) },
    );
  }
  if (larger?.nComponents === K + 1) {
    best = bestMove(data, settings, best ?? from, shrunkStarts(data, larger), plan, runs) ?? best;
  }
  if (best === undefined) return search;
  polished.unshift(best);
  const moves = 1 + improveByMoves(data, settings, context, polished, plan.budget);
  return {
    solutions: distinct(polished, settings.tol).slice(0, KEPT_SOLUTIONS),
    starts: search.starts,
    moves: search.moves + moves,
    failure: undefined,
  };
}

/**
 * Moves from the best of `polished` (sorted best first) while they improve it, within
 * `budget` operations in all; each improvement goes to the front of `polished`.
 * Returns the number of moves made. Split-and-merge moves first; where the structure
 * allows a one-row component, a round whose moves fail tries reseeds too
 * (reseedStarts). Only then: tried in every round, they took the budget from the
 * split-and-merge moves (breast cancer, tied K = 6..8, ended 33 to 88 lower in ℓ),
 * while as a fallback the rounds are those without reseeds, step for step, until
 * split-and-merge moves stop improving, so the result can only rise. Regrow moves
 * (regrowStarts) come last in a round, for every structure, on the same terms.
 */
function improveByMoves(
  data: DataMatrix,
  settings: EmSettings,
  context: SearchContext,
  polished: StartRun[],
  budget: number,
): number {
  const { plan, stepCost } = context;
  // A regrow move's K − 1 components, run to convergence from merged responsibilities
  // (n×(K−1)); undefined when they fail or degenerate.
  const fewerSettings = { ...settings, nComponents: settings.nComponents - 1 };
  const fewerComponents = (merged: Float64Array, start: number) => {
    const initial = startFromMemberships(data, fewerSettings, merged);
    if (initial === undefined) return undefined;
    const result = context.run(start, initial, context.fullLimits, fewerSettings);
    return result.failure === undefined ? result.parameters : undefined;
  };
  let best = polished[0];
  let moves = 0;
  for (let round = 0; round < plan.maxRounds && context.spent < budget; round++) {
    const start = best.start;
    const runs = moveRuns(context, start);
    let improved = bestMove(
      data,
      settings,
      best,
      splitMergeStarts(data, best.parameters!, plan.movesPerRound),
      plan,
      runs,
    );
    if (improved === undefined && plan.reseedsPerRound > 0 && context.spent < budget) {
      const reseeds = reseedStarts(data, best.parameters!, plan.reseedsPerRound);
      improved = bestMove(data, settings, best, reseeds, plan, runs);
    }
    // Regrow moves, as many pairs as the budget left affords (each pair: K − 1
    // components to convergence, ~CONVERGENCE_STEPS E-steps, then K − 1 short runs).
    const pairCost =
      stepCost * (CONVERGENCE_STEPS + (settings.nComponents - 1) * plan.moveIterations);
    const regrowPairs = Math.min(
      plan.regrowPairsPerRound,
      Math.floor((budget - context.spent) / pairCost),
    );
    if (improved === undefined && regrowPairs > 0) {
      const regrown = regrowStarts(data, best.parameters!, regrowPairs, (merged) =>
        fewerComponents(merged, start),
      );
      improved = bestMove(data, settings, best, regrown, plan, runs);
    }
    if (improved === undefined) break;
    best = improved;
    polished.unshift(improved);
    moves++;
  }
  return moves;
}

/** How a move's candidates run: a short accelerated run first, the chosen ones on to convergence past `bar`. */
function moveRuns(context: SearchContext, start: number): MoveRuns {
  const { plan, fullLimits } = context;
  return {
    first: (initial) =>
      context.run(start, initial, {
        ...fullLimits,
        maxIter: Math.min(plan.moveIterations, fullLimits.maxIter),
      }),
    rest: (from, bar) => context.continueRun(from, { ...fullLimits, bar }),
  };
}

interface MoveRuns {
  first: (initial: MixtureParameters) => StartRun;
  rest: (from: StartRun, bar: number) => StartRun;
}

/**
 * The best of the moves `candidates` (responsibilities, n×K each) from `from` that
 * raises ℓ, or undefined. Every candidate gets a short accelerated run, and the best
 * `plan.movesPolished` of them are run to convergence: moves start next to a good
 * solution, so a short run ranks them well.
 */
function bestMove(
  data: DataMatrix,
  settings: EmSettings,
  from: StartRun | undefined,
  candidates: readonly Float64Array[],
  plan: SearchPlan,
  run: MoveRuns,
): StartRun | undefined {
  const tried: StartRun[] = [];
  for (const resp of candidates) {
    const initial = startFromMemberships(data, settings, resp);
    if (initial !== undefined) tried.push(run.first(initial));
  }
  const current = from === undefined ? -Infinity : finalLogLikelihood(from);
  let best: StartRun | undefined;
  for (const candidate of usableBest(tried, plan.movesPolished)) {
    const threshold = best === undefined ? current : finalLogLikelihood(best);
    const moved = run.rest(candidate, threshold);
    if (moved.failure !== undefined || moved.parameters === undefined) continue;
    const value = finalLogLikelihood(moved);
    if (threshold === -Infinity || value > threshold + SAME_OPTIMUM * (1 + Math.abs(threshold))) {
      best = moved;
    }
  }
  return best;
}

/** A mixture fitted by the search, components in segment order (largest weight first). */
export interface MixtureFit {
  readonly parameters: MixtureParameters;
  readonly logLikelihood: number;
  /** ℓ after each E-step of the chosen run; never decreases (up to rounding). */
  readonly trajectory: number[];
  readonly iterations: number;
  readonly converged: boolean;
  /** 0-based index of the start the chosen solution descends from. */
  readonly bestStart: number;
  readonly starts: StartOutcome[];
  readonly moves: number;
}

/**
 * Fits one model by its own search (searchCell) on all of `data`, without carrying it
 * on from its neighbours K − 1 and K + 1 (`fit -k K` does both: select-model.ts).
 * Throws NumericError when it fails.
 */
export function fitMixture(data: DataMatrix, settings: EmSettings): MixtureFit {
  const search = searchCell(data, settings);
  return mixtureFit(settings, search, search.solutions);
}

/**
 * The best of `runs` (highest final ℓ, earliest start on ties) as a MixtureFit in
 * segment order; `search` tells how it was found. Throws NumericError when no run is usable.
 */
export function mixtureFit(
  settings: EmSettings,
  search: CellSearch,
  runs: readonly StartRun[],
): MixtureFit {
  const usable = runs.filter((r) => r.failure === undefined && r.parameters !== undefined);
  const best = [...usable].sort(byLogLikelihood)[0];
  if (best === undefined) {
    const reason = search.failure ?? runs.find((r) => r.failure !== undefined)?.failure;
    throw new GmmError(
      'numeric',
      `no usable fit with K=${settings.nComponents}: ${reason ?? 'no solution'}`,
    );
  }
  const parameters = best.parameters!;
  return {
    parameters: permuteComponents(parameters, componentOrder(parameters)),
    logLikelihood: finalLogLikelihood(best),
    trajectory: best.trajectory,
    iterations: best.trajectory.length,
    converged: best.converged,
    bestStart: best.start,
    starts: search.starts,
    moves: search.moves,
  };
}

/**
 * The `count` best usable runs, plus the best `count`/4 of each seeding method: the
 * methods develop at different speeds (random memberships start near the data's
 * centre and separate slowly), so a ranking after a few steps alone would drop the
 * slow ones, whose optima the others do not reach (the "crossing" solutions).
 */
function diverseBest(
  runs: readonly StartRun[],
  count: number,
  methodOf: (run: StartRun) => string,
  perMethod = Math.ceil(count / 4),
): StartRun[] {
  const chosen = new Set(usableBest(runs, count));
  for (const method of new Set(runs.map(methodOf))) {
    const ofMethod = runs.filter((r) => methodOf(r) === method);
    for (const r of usableBest(ofMethod, perMethod)) chosen.add(r);
  }
  return [...chosen].sort(byLogLikelihood);
}

/** The `count` usable runs (no failure) of highest final ℓ, best first. */
function usableBest(runs: readonly StartRun[], count: number): StartRun[] {
  return runs
    .filter((r) => r.parameters !== undefined && r.failure === undefined)
    .sort(byLogLikelihood)
    .slice(0, count);
}

/** Highest final ℓ first, then the earliest start. */
export function byLogLikelihood(a: StartRun, b: StartRun): number {
  return finalLogLikelihood(b) - finalLogLikelihood(a) || a.start - b.start;
}

/**
 * Runs sorted best first, with repeats of one optimum left out: ℓ equal to SAME_OPTIMUM,
 * or parameters equal to SAME_PARAMETERS·√tol (sameParameters; `tol` the runs' own).
 */
function distinct(runs: StartRun[], tol: number): StartRun[] {
  const within = SAME_PARAMETERS * Math.sqrt(tol);
  const sorted = [...runs].sort(byLogLikelihood);
  const kept: StartRun[] = [];
  for (const r of sorted) {
    const value = finalLogLikelihood(r);
    const seen = kept.some(
      (k) =>
        Math.abs(finalLogLikelihood(k) - value) <= SAME_OPTIMUM * (1 + Math.abs(value)) ||
        sameParameters(k.parameters, r.parameters, within),
    );
    if (!seen) kept.push(r);
  }
  return kept;
}

/**
 * Whether two mixtures are one point up to `within`: each component of `a` paired
 * with the nearest unpaired one of `b` by its mean, every weight, mean and covariance
 * entry within `within` of its pair's. (Components closer than that to each other
 * may pair wrongly; then the two are kept as distinct, as before this test.)
 */
export function sameParameters(
  a: MixtureParameters | undefined,
  b: MixtureParameters | undefined,
  within: number,
): boolean {
  if (a === undefined || b === undefined) return false;
  const { nComponents: K, nFeatures: d } = a;
  if (b.nComponents !== K || b.nFeatures !== d) return false;
  const paired = new Uint8Array(K);
  for (let k = 0; k < K; k++) {
    let nearest = -1;
    let nearestDistance = Infinity;
    for (let l = 0; l < K; l++) {
      if (paired[l] === 1) continue;
      let distance = 0;
      for (let j = 0; j < d; j++) distance += (a.means[k * d + j] - b.means[l * d + j]) ** 2;
      if (distance < nearestDistance) {
        nearest = l;
        nearestDistance = distance;
      }
    }
    paired[nearest] = 1;
    const near = (x: number, y: number) => Math.abs(x - y) <= within;
    if (!near(a.weights[k], b.weights[nearest])) return false;
    for (let j = 0; j < d; j++) {
      if (!near(a.means[k * d + j], b.means[nearest * d + j])) return false;
    }
    for (let e = 0; e < d * d; e++) {
      if (!near(a.covariances[k * d * d + e], b.covariances[nearest * d * d + e])) return false;
    }
  }
  return true;
}

/** A short run continued: one trajectory (the continuation's first E-step repeats the short run's last). */
function joinRuns(first: StartRun, continued: StartRun): StartRun {
  if (first === continued) return first;
  return {
    ...continued,
    trajectory: [...first.trajectory.slice(0, -1), ...continued.trajectory],
  };
}

function outcome(run: StartRun): StartOutcome {
  return {
    start: run.start,
    logLikelihood: run.parameters === undefined ? undefined : finalLogLikelihood(run),
    iterations: run.trajectory.length,
    failure: run.failure,
  };
}

/** The M-step of hard labels (n, in 0..K−1): a start from a partition. */
function labelledStart(
  data: DataMatrix,
  settings: EmSettings,
  labels: Int32Array,
): MixtureParameters {
  const K = settings.nComponents;
  const resp = new Float64Array(data.nSamples * K);
  labels.forEach((label, i) => (resp[i * K + label] = 1));
  return parametersFromMemberships(data, settings, resp);
}

/** The M-step from memberships (n×K), or undefined when they give no valid mixture. */
function startFromMemberships(
  data: DataMatrix,
  settings: EmSettings,
  resp: Float64Array,
): MixtureParameters | undefined {
  try {
    return parametersFromMemberships(data, settings, resp);
  } catch (error) {
    if (isGmmError(error, 'numeric')) return undefined;
    throw error;
  }
}

function failedRun(start: number, failure: string): StartRun {
  return { start, parameters: undefined, trajectory: [], converged: false, failure };
}
