/**
 * Finds the first number that is not finite in a document about to be written: JSON
 * would turn NaN and Infinity into null, and a CSV would print "NaN", so an output
 * holding one is refused instead (docs/DESIGN.md: numerics never emit NaN or Infinity).
 */

export interface NonFinite {
  /** Where, as in a model-file message: `components[0].covarianceOriginal[1][1]`. */
  readonly path: string;
  readonly value: number;
}

export function findNonFinite(value: unknown, path = ''): NonFinite | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : { path, value };
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const array = value as unknown as ArrayLike<number>;
    for (let i = 0; i < array.length; i++) {
      if (typeof array[i] === 'number' && !Number.isFinite(array[i])) {
        return { path: `${path}[${i}]`, value: array[i] };
      }
    }
    return undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNonFinite(value[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, entry] of Object.entries(value)) {
      const found = findNonFinite(entry, path === '' ? key : `${path}.${key}`);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
