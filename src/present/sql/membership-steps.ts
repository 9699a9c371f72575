/**
 * The steps shared by the scoring query and the EM-step query: a chain of common table
 * expressions that take each row from the model's columns to its membership
 * probabilities, written as plain arithmetic on literals the pipeline computed
 * (nothing is computed here but text). Each step mirrors the E-step kernel
 * (engine/kernels.ts) operation for operation, so the engines round as gmm does:
 *   gmm_scaled       zⱼ = (xⱼ − centerⱼ) / scaleⱼ
 *   gmm_projected    yₖ = Wₖ (z − μₖ)  (tied: y = W (z − μ₁), once per row)
 *   gmm_terms        tₖ = log πₖ − ½ log|2πΣₖ| − ½‖yₖ‖²  (tied: ‖y − Pₖ‖²)
 *   gmm_peaks        m = maxₖ tₖ
 *   gmm_exponentials eₖ = exp(tₖ − m), or 0 below NEGLIGIBLE_LOG_RATIO as in the kernel
 *   gmm_totals       s = Σₖ eₖ
 *   gmm_memberships  pₖ = eₖ · (1/s), and log Σₖ πₖ N(z | μₖ, Σₖ) = m + ln s (scaled units)
 * The column names of the steps all start with gmm_; the input row travels as one
 * value (dialect.ts, RowCarry), so no input name can clash with them.
 */
import {
  doubleType,
  greatest,
  numberLiteral,
  quoteIdentifier,
  quoteTableName,
  rowCarry,
  stepKeyword,
  type SqlDialect,
} from './dialect.js';

/** A mixture as the queries need it, in scaled units, with its precision factors (all precomputed). */
export interface SqlMixture {
  /** d: the model's column names. */
  readonly columns: readonly string[];
  /** d each: zⱼ = (xⱼ − center[j]) / scale[j]. */
  readonly center: readonly number[];
  readonly scale: readonly number[];
  readonly nComponents: number;
  /** 'diagonal' for diag and spherical (Wₖ diagonal), 'tied' when every Wₖ is W₁. */
  readonly shape: 'full' | 'diagonal' | 'tied';
  /** K×d×d, Wₖ = Lₖ⁻¹ lower triangular (Σₖ = LₖLₖᵀ). */
  readonly invChol: ArrayLike<number>;
  /** K×d, μₖ in scaled units. */
  readonly means: ArrayLike<number>;
  /** K, log πₖ − ½ log|2πΣₖ|. */
  readonly logWeightedNorm: ArrayLike<number>;
  /** Tied only, K×d: W (μₖ − μ₁). */
  readonly projectedMeans: ArrayLike<number> | null;
  /** Terms this far below a row's largest (in log) count as 0, as in the E-step kernel. */
  readonly negligibleLogRatio: number;
}

export interface SqlStep {
  readonly name: string;
  readonly body: string;
}

const INDENT = '    ';

/** `gmm_p3` for component 3 (1-based), `gmm_y3_2` for its projection's coordinate 2. */
export const stepColumn = {
  z: (j: number) => `gmm_z${j + 1}`,
  y: (k: number, j: number) => `gmm_y${k + 1}_${j + 1}`,
  tiedY: (j: number) => `gmm_y${j + 1}`,
  term: (k: number) => `gmm_t${k + 1}`,
  exponential: (k: number) => `gmm_e${k + 1}`,
  probability: (k: number) => `gmm_p${k + 1}`,
  peak: 'gmm_peak',
  total: 'gmm_total',
  logDensity: 'gmm_log_density',
} as const;

/**
 * The steps from `table` to gmm_memberships. With `carryRow`, the first step also
 * captures the input row (to be expanded by the final select).
 */
export function membershipSteps(
  mixture: SqlMixture,
  table: string,
  dialect: SqlDialect,
  carryRow: boolean,
): SqlStep[] {
  const { columns, center, scale, nComponents: K, shape } = mixture;
  const d = columns.length;
  const lit = (value: number) => numberLiteral(value, dialect);
  const ks = Array.from({ length: K }, (_, k) => k);
  const js = Array.from({ length: d }, (_, j) => j);
  const W = (k: number, j: number, a: number) => mixture.invChol[k * d * d + j * d + a];
  const mu = (k: number, a: number) => mixture.means[k * d + a];
  const centred = (k: number, a: number) => `(${stepColumn.z(a)} - ${lit(mu(k, a))})`;

  const scaled = js.map(
    (j) =>
      `(CAST(t.${quoteIdentifier(columns[j], dialect)} AS ${doubleType(dialect)}) - ${lit(center[j])}) / ${lit(scale[j])} AS ${stepColumn.z(j)}`,
  );
  const first = carryRow ? [rowCarry(dialect).capture, ...scaled] : scaled;

  let projected: string[];
  let terms: string[];
  if (shape === 'tied') {
    projected = js.map(
      (j) =>
        `${js
          .slice(0, j + 1)
          .map((a) => `${lit(W(0, j, a))} * ${centred(0, a)}`)
          .join(' + ')} AS ${stepColumn.tiedY(j)}`,
    );
    const P = (k: number, j: number) => mixture.projectedMeans![k * d + j];
    terms = ks.map((k) => {
      const distance = js
        .map((j) => {
          const u = `(${stepColumn.tiedY(j)} - ${lit(P(k, j))})`;
          return `${u} * ${u}`;
        })
        .join(' + ');
      return `${lit(mixture.logWeightedNorm[k])} - ${lit(0.5)} * (${distance}) AS ${stepColumn.term(k)}`;
    });
  } else {
    projected = ks.flatMap((k) =>
      js.map((j) => {
        const sum =
          shape === 'diagonal'
            ? `${lit(W(k, j, j))} * ${centred(k, j)}`
            : js
                .slice(0, j + 1)
                .map((a) => `${lit(W(k, j, a))} * ${centred(k, a)}`)
                .join(' + ');
        return `${sum} AS ${stepColumn.y(k, j)}`;
      }),
    );
    terms = ks.map((k) => {
      const squares = js.map((j) => `${stepColumn.y(k, j)} * ${stepColumn.y(k, j)}`).join(' + ');
      return `${lit(mixture.logWeightedNorm[k])} - ${lit(0.5)} * (${squares}) AS ${stepColumn.term(k)}`;
    });
  }
  const peak = [
    `${greatest(
      ks.map((k) => stepColumn.term(k)),
      dialect,
    )} AS ${stepColumn.peak}`,
  ];
  const exponentials = ks.map((k) => {
    const delta = `${stepColumn.term(k)} - ${stepColumn.peak}`;
    return `CASE WHEN ${delta} >= ${lit(mixture.negligibleLogRatio)} THEN exp(${delta}) ELSE ${lit(0)} END AS ${stepColumn.exponential(k)}`;
  });
  const totals = [`${ks.map((k) => stepColumn.exponential(k)).join(' + ')} AS ${stepColumn.total}`];
  const memberships = [
    ...ks.map(
      (k) =>
        `${stepColumn.exponential(k)} * (${lit(1)} / ${stepColumn.total}) AS ${stepColumn.probability(k)}`,
    ),
    `${stepColumn.peak} + ln(${stepColumn.total}) AS ${stepColumn.logDensity}`,
  ];
  return [
    { name: 'gmm_scaled', body: select(first, `${quoteTableName(table, dialect)} AS t`, false) },
    { name: 'gmm_projected', body: select(projected, 'gmm_scaled') },
    { name: 'gmm_terms', body: select(terms, 'gmm_projected') },
    { name: 'gmm_peaks', body: select(peak, 'gmm_terms') },
    { name: 'gmm_exponentials', body: select(exponentials, 'gmm_peaks') },
    { name: 'gmm_totals', body: select(totals, 'gmm_exponentials') },
    { name: 'gmm_memberships', body: select(memberships, 'gmm_totals') },
  ];
}

/** SELECT [*,] items FROM source, one item a line. */
export function select(items: readonly string[], source: string, star = true): string {
  const all = star ? ['*', ...items] : items;
  return `SELECT\n${all.map((item) => `${INDENT}${item}`).join(',\n')}\n  FROM ${source}`;
}

/** WITH step AS (…), … followed by the final select. */
export function withSteps(steps: readonly SqlStep[], final: string, dialect: SqlDialect): string {
  const as = stepKeyword(dialect);
  const ctes = steps.map(({ name, body }) => `${name} ${as} (\n  ${body}\n)`).join(',\n');
  return `WITH\n${ctes}\n${final}`;
}
