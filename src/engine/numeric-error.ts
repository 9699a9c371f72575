import { HintedError } from '../hinted-error.js';

/**
 * Thrown by the engine when the numbers cannot go on (a singular covariance, a
 * collapsed component, every restart failed). `hint` says what the user can change.
 */
export class NumericError extends HintedError {}
