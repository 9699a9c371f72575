import { HintedError } from './hinted-error.js';

/** The command line itself is wrong (an option value, a missing argument): exit code 2. */
export class UsageError extends HintedError {}
