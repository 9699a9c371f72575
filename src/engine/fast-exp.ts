/**
 * The E-step's exp: exp(δ) for δ ∈ [NEGLIGIBLE_LOG_RATIO, 0] as 2^(j/64) · e^r (Tang's
 * table method): j = ⌊64δ/ln 2⌋, r ∈ [0, ln2/64) reduced in two parts (Cody–Waite;
 * j·LN2_64_HI is exact for |j| < 2^13), e^r by its Taylor polynomial to r⁶. Relative
 * error below 2e-15, about three times faster than Math.exp, which is a third of the
 * E-step's time otherwise. The JavaScript kernels (kernels.ts) and their WebAssembly
 * twins (wasm-kernels.ts) both evaluate it from these constants.
 */

/** Below this (log scale, relative to the row's largest term) exp() cannot change the row sum. */
export const NEGLIGIBLE_LOG_RATIO = -40;

export const LN2_64_HI = Math.round((Math.LN2 / 64) * 2 ** 40) / 2 ** 40;
export const LN2_64_LO = Math.LN2 / 64 - LN2_64_HI;
/** 2^(i/64), i = 0..63. */
export const EXP_FRACTIONS = Float64Array.from({ length: 64 }, (_, i) => 2 ** (i / 64));
/** 2^(i−64), i = 0..64: entry (j >> 6) + 64 is 2^(j >> 6), for j down to 64·NEGLIGIBLE_LOG_RATIO/ln 2. */
export const POWERS_OF_TWO = Float64Array.from({ length: 65 }, (_, i) => 2 ** (i - 64));
/** e^r's Taylor coefficients 1/i!, i = 0..6, evaluated by Horner from the last. */
export const EXP_TAYLOR = [1, 1, 1 / 2, 1 / 6, 1 / 24, 1 / 120, 1 / 720];
