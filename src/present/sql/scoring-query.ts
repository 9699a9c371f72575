/**
 * `gmm sql <model> --table NAME`: one query that returns every column of the table plus
 * what `gmm predict` and `gmm score` add to a row: segment, p_1..p_K, certainty,
 * log_density (original units) and, given a threshold, anomaly (1 when log_density is
 * below it, else 0). A row with a NULL in a model column gets NULL for all of them.
 */
import { greatest, numberLiteral, quoteTableName, rowCarry, type SqlDialect } from './dialect.js';
import {
  membershipSteps,
  select,
  stepColumn,
  withSteps,
  type SqlMixture,
} from './membership-steps.js';

export interface ScoringQueryOptions {
  readonly table: string;
  readonly dialect: SqlDialect;
  /** Σⱼ log scaleⱼ: log density in original units = the scaled one minus this. */
  readonly logScaleJacobian: number;
  /** log_density below this is an anomaly (no anomaly column when undefined). */
  readonly anomalyThreshold: number | undefined;
}

export function scoringQuery(mixture: SqlMixture, options: ScoringQueryOptions): string {
  const { dialect, table } = options;
  const K = mixture.nComponents;
  const lit = (value: number) => numberLiteral(value, dialect);
  const ks = Array.from({ length: K }, (_, k) => k);
  const carry = rowCarry(dialect);
  const steps = membershipSteps(mixture, table, dialect, true);
  // The largest probability, as the kernel's "first on ties" picks it: p_k = certainty.
  steps.push({
    name: 'gmm_classes',
    body: select(
      [
        `${greatest(
          ks.map((k) => stepColumn.probability(k)),
          dialect,
        )} AS gmm_certainty`,
        `${stepColumn.logDensity} - ${lit(options.logScaleJacobian)} AS gmm_log_density_original`,
      ],
      'gmm_memberships',
    ),
  });
  const segment =
    K === 1
      ? '1'
      : `CASE ${ks
          .slice(0, K - 1)
          .map((k) => `WHEN ${stepColumn.probability(k)} = gmm_certainty THEN ${k + 1}`)
          .join(' ')} ELSE ${K} END`;
  const outputs = [
    carry.expand,
    `${segment} AS segment`,
    ...ks.map((k) => `${stepColumn.probability(k)} AS p_${k + 1}`),
    'gmm_certainty AS certainty',
    'gmm_log_density_original AS log_density',
  ];
  if (options.anomalyThreshold !== undefined) {
    outputs.push(
      `CASE WHEN gmm_log_density_original < ${lit(options.anomalyThreshold)} THEN 1 ELSE 0 END AS anomaly`,
    );
  }
  const final =
    carry.kind === 'rowid'
      ? // SQLite: the row joined back by its rowid, in the table's order.
        `${select(outputs, `${quoteTableName(table, dialect)} AS t JOIN gmm_classes ON gmm_classes.gmm_rowid = t.rowid`, false)}\n  ORDER BY t.rowid`
      : select(outputs, 'gmm_classes', false);
  return `${header(mixture, options)}${withSteps(steps, final, dialect)};\n`;
}

/** Comment lines saying what the query is; nothing from the data goes in them. */
function header(mixture: SqlMixture, options: ScoringQueryOptions): string {
  const K = mixture.nComponents;
  return (
    `-- gmm sql (${options.dialect}): a ${K}-component Gaussian mixture (${mixture.shape} precision factors) over ${mixture.columns.length} columns.\n` +
    `-- Returns every input column plus segment, p_1..p_${K}, certainty, log_density (natural log, original units)` +
    `${options.anomalyThreshold === undefined ? '' : ', anomaly'}.\n`
  );
}
