import { quoteValue } from '../io/quote-value.js';
import { visibleText } from '../io/visible-text.js';
import { isGmmError, type ErrorKind } from '../errors.js';

export const EXIT_OK = 0;
export const EXIT_DATA = 1;
export const EXIT_USAGE = 2;

/** The exit code of each kind of error (errors.ts): the one place they are decided. */
const EXIT_CODES: Record<ErrorKind, number> = {
  usage: EXIT_USAGE,
  data: EXIT_DATA,
  numeric: EXIT_DATA,
};

/**
 * Turns any error into the lines a person reads (problem, then "hint: …") and the exit
 * code of docs/DESIGN.md: 2 for usage, 1 for data or numeric failures and anything
 * unexpected. The stack is shown only with --verbose.
 */
export function describeFailure(
  command: string,
  error: unknown,
  verbose: boolean,
): { text: string; exitCode: number } {
  const prefix = command === '' ? 'gmm' : `gmm ${command}`;
  let message: string;
  let hint: string | undefined;
  let exitCode = EXIT_DATA;
  if (isGmmError(error)) {
    ({ message, hint } = error);
    exitCode = EXIT_CODES[error.kind];
  } else if (
    error instanceof RangeError &&
    /allocation|Array buffer|Invalid array length|Invalid string length/i.test(error.message)
  ) {
    message = `out of memory (${error.message})`;
    hint = 'use a smaller file or fewer columns';
  } else {
    message = `unexpected error: ${error instanceof Error ? error.message : quoteValue(String(error))}`;
    hint = 'run again with --verbose for details, and please report it';
  }
  const lines = [`${prefix}: ${visibleText(message)}`];
  if (hint !== undefined) lines.push(`hint: ${visibleText(hint)}`);
  if (verbose && error instanceof Error && error.stack) lines.push(error.stack);
  return { text: `${lines.join('\n')}\n`, exitCode };
}
