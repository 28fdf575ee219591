type Plain = Record<string, unknown>;

function isPlainObject(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Merge layers left to right: objects merge key by key, everything else (arrays, scalars, null)
 * replaces. `undefined` layers and keys are skipped, so an absent key never unsets a value.
 */
export function deepMerge<T>(...layers: Array<Partial<T> | undefined>): Partial<T> {
  let result: Plain = {};
  for (const layer of layers) {
    if (layer !== undefined) result = mergeTwo(result, layer as Plain);
  }
  return result as Partial<T>;
}

function mergeTwo(base: Plain, override: Plain): Plain {
  const merged: Plain = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === undefined) continue;
    const current = merged[key];
    merged[key] = isPlainObject(current) && isPlainObject(value) ? mergeTwo(current, value) : value;
  }
  return merged;
}
