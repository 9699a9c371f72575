/**
 * `gmm sql <model> --em-step --table NAME`: the aggregate query of one EM iteration
 * from the model's parameters. EM's M-step needs only additive sums per component,
 * so one iteration over any number of rows is one pass that returns one row:
 *   n_rows               rows scored (a NULL in a model column leaves the row out)
 *   log_likelihood       Σᵢ log Σₖ πₖ N(zᵢ | μₖ, Σₖ), scaled units (ℓ before the step)
 *   n_k                  Σᵢ rᵢₖ
 *   sum_k_j              Σᵢ rᵢₖ zᵢⱼ
 *   scatter_k_a_b        Σᵢ rᵢₖ (zᵢₐ − μₖₐ)(zᵢᵦ − μₖᵦ), a ≤ b (only a = b for diag and spherical)
 * in the model's scaled units z, the scatter around the model's current means μₖ (as
 * gmm's E-step gathers it: sums of squares around a nearby centre keep their digits,
 * raw Σ r x xᵀ at 10⁹ rows would not). docs/scale.md gives the M-step from these.
 */
import { numberLiteral, type SqlDialect } from './dialect.js';
import {
  membershipSteps,
  select,
  stepColumn,
  withSteps,
  type SqlMixture,
} from './membership-steps.js';

/** Result column names, 0-based indices in, 1-based names out. */
export const emStepColumn = {
  rows: 'n_rows',
  logLikelihood: 'log_likelihood',
  nk: (k: number) => `n_${k + 1}`,
  sum: (k: number, j: number) => `sum_${k + 1}_${j + 1}`,
  scatter: (k: number, a: number, b: number) => `scatter_${k + 1}_${a + 1}_${b + 1}`,
} as const;

export function emStepQuery(mixture: SqlMixture, table: string, dialect: SqlDialect): string {
  const { nComponents: K, shape } = mixture;
  const d = mixture.columns.length;
  const lit = (value: number) => numberLiteral(value, dialect);
  const steps = membershipSteps(mixture, table, dialect, false);
  const items = [
    `COUNT(${stepColumn.logDensity}) AS ${emStepColumn.rows}`,
    `SUM(${stepColumn.logDensity}) AS ${emStepColumn.logLikelihood}`,
  ];
  for (let k = 0; k < K; k++) {
    const r = stepColumn.probability(k);
    const centred = (a: number) => `(${stepColumn.z(a)} - ${lit(mixture.means[k * d + a])})`;
    items.push(`SUM(${r}) AS ${emStepColumn.nk(k)}`);
    for (let j = 0; j < d; j++) {
      items.push(`SUM(${r} * ${stepColumn.z(j)}) AS ${emStepColumn.sum(k, j)}`);
    }
    for (let a = 0; a < d; a++) {
      for (let b = a; b < (shape === 'diagonal' ? a + 1 : d); b++) {
        items.push(`SUM(${r} * ${centred(a)} * ${centred(b)}) AS ${emStepColumn.scatter(k, a, b)}`);
      }
    }
  }
  const comment =
    `-- gmm sql --em-step (${dialect}): one EM iteration's sums for a ${K}-component mixture over ${d} columns,\n` +
    `-- in the model's scaled units; one row: rows, log_likelihood, n_k, sum_k_j, scatter_k_a_b (docs/scale.md).\n`;
  return `${comment}${withSteps(steps, select(items, 'gmm_memberships', false), dialect)};\n`;
}
