import { COVARIANCE_TYPES, MCLUST_NAMES, SKLEARN_TYPES, type CovarianceType } from './types.js';

/**
 * What a model constrains, from its mclust name (Celeux & Govaert 1995,
 * Σₖ = λₖ Dₖ Aₖ Dₖᵀ with |Aₖ| = 1): volume λ, shape A and orientation D are each
 * Equal across components, Variable, or the Identity (shape and orientation only).
 */
export interface ModelStructure {
  readonly volume: 'E' | 'V';
  readonly shape: 'E' | 'V' | 'I';
  readonly orientation: 'E' | 'V' | 'I';
}

export function modelStructure(type: CovarianceType): ModelStructure {
  const name = MCLUST_NAMES[type];
  return {
    volume: name[0] as ModelStructure['volume'],
    shape: name[1] as ModelStructure['shape'],
    orientation: name[2] as ModelStructure['orientation'],
  };
}

/** The fourteen in mclust's order (mclust.options("emModelNames")): select-k's `all`. */
export const MCLUST_ORDER: readonly CovarianceType[] = [
  'EII',
  'spherical',
  'EEI',
  'VEI',
  'EVI',
  'diag',
  'tied',
  'VEE',
  'EVE',
  'VVE',
  'EEV',
  'VEV',
  'EVV',
  'full',
];

/**
 * With one column every model is one variance per component: mclust calls the equal
 * one E and the variable one V, which is the model's volume letter.
 */
export function univariateName(type: CovarianceType): 'E' | 'V' {
  return modelStructure(type).volume;
}

/** The model's mclust name for data of `nFeatures` columns (E or V for one). */
export function mclustName(type: CovarianceType, nFeatures: number): string {
  return nFeatures === 1 ? univariateName(type) : MCLUST_NAMES[type];
}

/** The model's names as users see them: "full (VVV)", "VEV". */
export function displayName(type: CovarianceType, nFeatures: number): string {
  const mclust = mclustName(type, nFeatures);
  return SKLEARN_TYPES.includes(type) ? `${type} (${mclust})` : mclust;
}

/**
 * The distinct models of a list for data of `nFeatures` columns: with one column the
 * fourteen are two (E and V), and a sweep fits each once (the first listed of each).
 */
export function distinctModels(
  types: readonly CovarianceType[],
  nFeatures: number,
): CovarianceType[] {
  if (nFeatures !== 1) return [...types];
  const seen = new Set<string>();
  return types.filter((type) => {
    const name = univariateName(type);
    if (seen.has(name)) return false;
    seen.add(name);
    return true;
  });
}

/**
 * The model a name denotes: scikit-learn's four (any case), any of mclust's fourteen
 * names, or E / V (one column's models: tied and full). Undefined when it is none.
 */
export function modelByName(text: string): CovarianceType | undefined {
  const lowered = text.trim().toLowerCase();
  const sklearn = SKLEARN_TYPES.find((type) => type === lowered);
  if (sklearn !== undefined) return sklearn;
  const upper = text.trim().toUpperCase();
  if (upper === 'E') return 'tied';
  if (upper === 'V') return 'full';
  return COVARIANCE_TYPES.find((type) => MCLUST_NAMES[type] === upper);
}

/**
 * Models whose constraint set is closed under linear combination (a combination of
 * λI is a λI, of diagonal matrices is diagonal, of equal matrices equal): SQUAREM's
 * extrapolation stays inside them. The other eight (equal volume with variable shape,
 * a shared shape under variable volume, …) are left by it, and em.ts brings each
 * extrapolated point back into the model (withinModel).
 */
const COMBINATION_CLOSED: ReadonlySet<CovarianceType> = new Set<CovarianceType>([
  'EII',
  'spherical',
  'EEI',
  'diag',
  'tied',
  'full',
]);

export function extrapolationKeepsModel(type: CovarianceType): boolean {
  return COMBINATION_CLOSED.has(type);
}
