import { HintedError } from '../hinted-error.js';

/** A problem with what the user typed (an option value): exit code 2. */
export class SelectionError extends HintedError {}
