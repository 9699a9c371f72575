import { NumericError } from '../engine/numeric-error.js';
import { DataError, quoteValue } from '../io/data-error.js';
import { SelectionError } from '../io/selection-error.js';
import { visibleText } from '../io/visible-text.js';
import { UsageError } from '../usage-error.js';

export const EXIT_OK = 0;
export const EXIT_DATA = 1;
export const EXIT_USAGE = 2;

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
  if (error instanceof UsageError || error instanceof SelectionError) {
    ({ message, hint } = error);
    exitCode = EXIT_USAGE;
  } else if (error instanceof DataError || error instanceof NumericError) {
    ({ message, hint } = error);
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
