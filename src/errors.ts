/**
 * The one error a person can act on. The message names what is wrong (file, line,
 * column, value) and `hint` what to do about it; the kind decides the exit code, in
 * one place (cli/report-error.ts):
 *   usage    the command line itself is wrong (an option value, a missing argument): 2
 *   data     the user's data or files: 1
 *   numeric  the numbers cannot go on (a singular covariance, every start collapsed): 1
 * Anything else thrown is a bug, reported as "unexpected error".
 */
export type ErrorKind = 'usage' | 'data' | 'numeric';

export class GmmError extends Error {
  readonly kind: ErrorKind;
  readonly hint: string | undefined;

  constructor(kind: ErrorKind, message: string, hint?: string) {
    super(message);
    this.name = 'GmmError';
    this.kind = kind;
    this.hint = hint;
  }
}

/** Whether `error` is a GmmError (of `kind`, when given). */
export function isGmmError(error: unknown, kind?: ErrorKind): error is GmmError {
  return error instanceof GmmError && (kind === undefined || error.kind === kind);
}
