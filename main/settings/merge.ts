// Deep merge of settings layers: plain objects merge key by key, `providers` merges entry by entry on `id`,
// every other array (and scalar) is replaced by the stronger layer.

export type Plain = Record<string, unknown>;

export const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

export function mergeLayers(weak: Plain, strong: Plain, path = ''): Plain {
  const out: Plain = { ...weak };
  for (const [key, value] of Object.entries(strong)) {
    if (value === undefined) continue;
    const here = path ? `${path}.${key}` : key;
    const prev = out[key];
    if (here === 'providers' && Array.isArray(prev) && Array.isArray(value)) out[key] = mergeProviders(prev, value);
    else if (isPlain(prev) && isPlain(value)) out[key] = mergeLayers(prev, value, here);
    else out[key] = value;
  }
  return out;
}

function mergeProviders(weak: unknown[], strong: unknown[]): unknown[] {
  const out = [...weak];
  for (const entry of strong) {
    const id = isPlain(entry) ? entry.id : undefined;
    const at = out.findIndex((e) => isPlain(e) && e.id === id);
    if (at >= 0 && isPlain(entry)) out[at] = { ...(out[at] as Plain), ...definedFields(entry) };
    else out.push(entry);
  }
  return out;
}

const definedFields = (o: Plain): Plain => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

export const clone = <T>(v: T): T => structuredClone(v);

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlain(a) && isPlain(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}
