import { minimumRowsPerComponent } from './degeneracy.js';
import { modelStructure } from './model-names.js';
import type { CovarianceType } from './types.js';

/**
 * How much searching one model (K, structure) gets. The search is em-EM (Biernacki,
 * Celeux & Govaert 2003): many short EM runs from random starts explore, the best few
 * are run to convergence, and split-and-merge moves (split-merge.ts) then try to
 * improve the best. Effort is set by the size of the work, not a fixed count: the
 * short runs share a budget of arithmetic, so small data get hundreds of starts in a
 * fraction of a second and large (sub)samples still get enough to explore. The budget
 * is counted in operations, never in time, so a given input gives the same result on
 * any machine.
 */
export interface SearchPlan {
  /** Short EM runs from random starts. */
  readonly nStarts: number;
  /** Whether one more short run starts from Ward's hierarchy (hierarchical.ts). */
  readonly wardStart: boolean;
  /** Whether one more starts from mclust's model-based hierarchy (model-hierarchy.ts). */
  readonly modelHierarchyStart: boolean;
  /** EM steps in each short run. */
  readonly shortIterations: number;
  /** The best short runs, run on for `middleIterations` more EM steps… */
  readonly nMiddle: number;
  readonly middleIterations: number;
  /** …and the best of those run on to convergence. */
  readonly nPolished: number;
  /** Split-and-merge moves tried from the best solution, per round, each for moveIterations E-steps… */
  readonly movesPerRound: number;
  readonly moveIterations: number;
  /** …and the best of them run to convergence. */
  readonly movesPolished: number;
  /**
   * Reseed moves (split-merge.ts, reseedStarts) tried in a round whose split-and-merge
   * moves improved nothing; 0 where the structure refuses one-row components.
   */
  readonly reseedsPerRound: number;
  /**
   * Pairs merged by regrow moves (split-merge.ts, regrowStarts) in a round whose other
   * moves improved nothing; each gives K − 1 candidates.
   */
  readonly regrowPairsPerRound: number;
  /**
   * Whether a sweep also grows the model from the best solution of the one with a
   * component fewer and shrinks it from the one with a component more (search.ts,
   * fromNeighbours), which it then searches too.
   */
  readonly fromNeighbours: boolean;
  /** Rounds of moves; a round that improves nothing ends them. */
  readonly maxRounds: number;
  /**
   * Operations the whole search may spend: polishing past the first run and further
   * rounds of moves start only while the spending is below it.
   */
  readonly budget: number;
}

/**
 * Operations the short runs of one model may spend, in the units of stepCostPerRow (about a
 * nanosecond each here): ~0.4 s. It was 2e8 until 2026-12-04; doubled, wine and diabetes
 * (13 and 10 columns, where the budget, not MAX_STARTS, sets the count) reach 9 more of
 * scikit-learn's best of 300 starts, for ~1.6× their time (bench i).
 */
export const SHORT_RUN_BUDGET = 4e8;
export const MIN_STARTS = 50;
export const MAX_STARTS = 400;
export const SHORT_ITERATIONS = 10;
/** The share of short runs that go on to the middle stage, and at least this many. */
export const MIDDLE_SHARE = 0.5;
export const MIN_MIDDLE = 10;
export const MIDDLE_ITERATIONS = 30;
export const POLISHED_RUNS = 8;
export const MAX_MOVES = 48;
export const MAX_RESEEDS = 32;
export const MAX_REGROW_PAIRS = 10;
export const MOVE_ITERATIONS = 12;
export const MOVES_POLISHED = 4;
export const MAX_ROUNDS = 10;
/** Operations one model's whole search may spend before it stops starting new work: ~1 s. */
export const SEARCH_BUDGET = 1e9;

/**
 * The E-step's cost per row, in operations, for K components of a structure: the
 * Mahalanobis terms and the sums (d² and 3d multiply-adds per component for full;
 * one projection and one total scatter per row, then 2d per component, for tied;
 * 4d per component for diag and spherical), plus the exp, log and bookkeeping every
 * term pays.
 */
export function stepCostPerRow(
  nFeatures: number,
  nComponents: number,
  covarianceType: CovarianceType,
): number {
  const d = nFeatures;
  const K = nComponents;
  if (covarianceType === 'tied') return d * d + K * (3 * d + 30);
  // mclust's other models use the full kernel, or the diagonal one when orientation is I.
  return modelStructure(covarianceType).orientation === 'I'
    ? K * (4 * d + 30)
    : K * (d * d + 3 * d + 30);
}

/**
 * The plan for one model; `nInit` (a count) overrides the number of random starts, and
 * 0 asks for mclust's procedure alone: EM from its hierarchical start, no random starts
 * and no split-and-merge moves (a sweep of many models on small data at mclust's cost).
 */
export function searchPlan(
  nSamples: number,
  nFeatures: number,
  nComponents: number,
  covarianceType: CovarianceType,
  nInit: number | 'auto',
): SearchPlan {
  const perStart =
    nSamples * stepCostPerRow(nFeatures, nComponents, covarianceType) * SHORT_ITERATIONS;
  const affordable = Math.floor(SHORT_RUN_BUDGET / perStart);
  // One component has one optimum (the sample mean and covariance): one start finds it.
  const nStarts =
    nInit !== 'auto'
      ? nInit
      : nComponents === 1
        ? 1
        : Math.max(MIN_STARTS, Math.min(MAX_STARTS, affordable));
  const nMiddle = Math.min(nStarts, Math.max(MIN_MIDDLE, Math.ceil(MIDDLE_SHARE * nStarts)));
  const hierarchical = nInit === 'auto' && nComponents > 1;
  const plan: SearchPlan = {
    nStarts,
    wardStart: hierarchical,
    modelHierarchyStart: hierarchical,
    shortIterations: SHORT_ITERATIONS,
    nMiddle,
    middleIterations: MIDDLE_ITERATIONS,
    nPolished: Math.min(nMiddle, POLISHED_RUNS),
    movesPerRound: nComponents === 1 ? 0 : MAX_MOVES,
    moveIterations: MOVE_ITERATIONS,
    movesPolished: MOVES_POLISHED,
    reseedsPerRound:
      nComponents > 1 && minimumRowsPerComponent(covarianceType, nFeatures) === 0 ? MAX_RESEEDS : 0,
    regrowPairsPerRound: Math.min(MAX_REGROW_PAIRS, (nComponents * (nComponents - 1)) / 2),
    fromNeighbours: nComponents > 1,
    maxRounds: nComponents === 1 ? 0 : MAX_ROUNDS,
    budget: SEARCH_BUDGET,
  };
  // mclust's procedure: the model-based hierarchical start alone, run on to convergence.
  return nInit === 0
    ? {
        ...plan,
        wardStart: false,
        modelHierarchyStart: true,
        nMiddle: 1,
        nPolished: 1,
        movesPerRound: 0,
        movesPolished: 0,
        reseedsPerRound: 0,
        regrowPairsPerRound: 0,
        fromNeighbours: false,
        maxRounds: 0,
      }
    : plan;
}

/**
 * E-steps improving a model from its neighbours takes, about (search.ts,
 * fromNeighbours): each candidate grown from K − 1 run to convergence, a short run for
 * each shrunk from K + 1 and the best few of those to convergence.
 */
export function neighbourSteps(plan: SearchPlan, nComponents: number): number {
  if (!plan.fromNeighbours) return 0;
  const shrunk = ((nComponents + 1) * nComponents) / 2;
  return (nComponents - 1 + plan.movesPolished) * CONVERGENCE_STEPS + shrunk * plan.moveIterations;
}

/** E-steps a run to convergence takes, about, for estimates of work (they vary). */
export const CONVERGENCE_STEPS = 100;

/** E-steps the plan's exploring stages take (short runs, deterministic starts, middle stage). */
export function plannedSteps(plan: SearchPlan): number {
  const starts = plan.nStarts + Number(plan.wardStart) + Number(plan.modelHierarchyStart);
  return starts * plan.shortIterations + plan.nMiddle * plan.middleIterations;
}
