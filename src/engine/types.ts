/** Shapes shared across the engine. Arrays are flat and row-major. */

/**
 * A covariance model. scikit-learn's four keep their names (full = mclust VVV,
 * tied = EEE, diag = VVI, spherical = VII); the other ten of mclust's fourteen are
 * named as in mclust (Celeux & Govaert 1995: Σₖ = λₖ Dₖ Aₖ Dₖᵀ, the three letters
 * saying whether volume λ, shape A and orientation D are Equal across components,
 * Variable, or the Identity). model-names.ts maps between the names.
 */
export type CovarianceType =
  | 'full'
  | 'tied'
  | 'diag'
  | 'spherical'
  | 'EII'
  | 'EEI'
  | 'VEI'
  | 'EVI'
  | 'VEE'
  | 'EVE'
  | 'VVE'
  | 'EEV'
  | 'VEV'
  | 'EVV';

/**
 * Every model, scikit-learn's four first: the index keys each model's random streams
 * (em.ts), so the four keep the streams they had before the other ten existed.
 */
export const COVARIANCE_TYPES: readonly CovarianceType[] = [
  'full',
  'tied',
  'diag',
  'spherical',
  'EII',
  'EEI',
  'VEI',
  'EVI',
  'VEE',
  'EVE',
  'VVE',
  'EEV',
  'VEV',
  'EVV',
];

/** scikit-learn's four structures (`--covariance sklearn`). */
export const SKLEARN_TYPES: readonly CovarianceType[] = ['full', 'tied', 'diag', 'spherical'];

/** mclust's name of every model (for one column see model-names.ts, univariateName). */
export const MCLUST_NAMES: Record<CovarianceType, string> = {
  full: 'VVV',
  tied: 'EEE',
  diag: 'VVI',
  spherical: 'VII',
  EII: 'EII',
  EEI: 'EEI',
  VEI: 'VEI',
  EVI: 'EVI',
  VEE: 'VEE',
  EVE: 'EVE',
  VVE: 'VVE',
  EEV: 'EEV',
  VEV: 'VEV',
  EVV: 'EVV',
};

/** How one EM start is seeded. */
export type StartMethod = 'kmeans++' | 'random' | 'random-from-data';

/**
 * `mixed` cycles random-from-data, k-means++, random-from-data, random starts.
 * k-means++ alone settles on blob-shaped partitions and misses elongated optima (on
 * the Mall data diag K=2, full K=2..4); random rows alone are slower to find compact
 * ones; random memberships find the "crossing" solutions the others miss. With 30
 * starts this mix reached scikit-learn's best of 300 starts on the Mall data for
 * every structure and K = 2..5 with each of 20 seeds tried.
 */
export type InitMethod = StartMethod | 'mixed';

export const INIT_METHODS: readonly InitMethod[] = [
  'mixed',
  'kmeans++',
  'random',
  'random-from-data',
];

const MIXED_CYCLE: readonly StartMethod[] = [
  'random-from-data',
  'kmeans++',
  'random-from-data',
  'random',
];

/** The seeding method of 0-based start `start`. */
export function startMethod(init: InitMethod, start: number): StartMethod {
  return init === 'mixed' ? MIXED_CYCLE[start % MIXED_CYCLE.length] : init;
}

/** n rows × d columns, row-major: values[i * nFeatures + j]. */
export interface DataMatrix {
  readonly values: Float64Array;
  readonly nSamples: number;
  readonly nFeatures: number;
  /**
   * n frequency weights (≥ 0): row i counts as wᵢ rows, exactly as if it were repeated
   * wᵢ times. Undefined: every row counts once.
   */
  readonly rowWeights?: Float64Array;
  /**
   * Rows with missing cells, grouped by pattern (row-patterns.ts): rows [0, nComplete)
   * are complete, the rest hold a placeholder (the column's observed mean) in each
   * missing cell. Undefined: every row is complete.
   */
  readonly missing?: MissingPatterns;
}

/** How the rows of a DataMatrix with missing cells are laid out (see row-patterns.ts). */
export interface MissingPatterns {
  /** Rows [0, nComplete) are complete. */
  readonly nComplete: number;
  /** P+1 row offsets: pattern p covers rows [starts[p], starts[p+1]), starts[0] = nComplete. */
  readonly starts: Int32Array;
  /** P×d: 1 where pattern p observes column j. */
  readonly observed: Uint8Array;
}

/** Σᵢ wᵢ: the number of rows a (weighted) data set stands for. */
export function effectiveRows(data: DataMatrix): number {
  const { rowWeights } = data;
  if (rowWeights === undefined) return data.nSamples;
  let total = 0;
  for (let i = 0; i < data.nSamples; i++) total += rowWeights[i];
  return total;
}

/**
 * A fitted or candidate mixture. Covariances are always stored expanded to K full
 * d×d matrices (tied repeats the shared one, diag and spherical are diagonal), so
 * every reader works the same way; `covarianceType` says which constraint produced them.
 */
export interface MixtureParameters {
  readonly nComponents: number;
  readonly nFeatures: number;
  readonly covarianceType: CovarianceType;
  /** K */
  readonly weights: Float64Array;
  /** K×d */
  readonly means: Float64Array;
  /** K×d×d */
  readonly covariances: Float64Array;
}

/** Model-selection criteria, lower is better. */
export type Criterion = 'bic' | 'aic' | 'icl';

export const CRITERIA: readonly Criterion[] = ['bic', 'aic', 'icl'];
