// What a settings change writes to disk: only the paths that changed between two effective settings are
// applied to the file's own content. Values that came from env, flags or defaults and did not change (an
// OPENAI_API_KEY from the environment, say) therefore never reach the file.
import { clone, deepEqual, isPlain, type Plain } from './merge.js';

export function applyChanges(file: Plain, prev: Plain, next: Plain): Plain {
  const out = clone(file);
  diffInto(out, prev, next, '');
  return out;
}

function diffInto(target: Plain, prev: Plain, next: Plain, path: string): void {
  for (const key of new Set([...Object.keys(prev), ...Object.keys(next)])) {
    const a = prev[key];
    const b = next[key];
    if (deepEqual(a, b)) continue;
    const here = path ? `${path}.${key}` : key;
    if (b === undefined) delete target[key];
    else if (here === 'providers' && Array.isArray(a) && Array.isArray(b)) target[key] = diffProviders(target[key], a, b);
    else if (isPlain(a) && isPlain(b)) {
      if (!isPlain(target[key])) target[key] = {};
      diffInto(target[key] as Plain, a, b, here);
    } else target[key] = clone(b);
  }
}

/** Providers are matched by id: a changed field of an env-made provider writes that field (plus id and kind) only. */
function diffProviders(fileValue: unknown, prev: unknown[], next: unknown[]): unknown[] {
  const file = (Array.isArray(fileValue) ? fileValue : []).filter(isPlain);
  const byId = (list: unknown[], id: unknown): Plain | undefined => list.find((p): p is Plain => isPlain(p) && p.id === id);
  const nextIds = new Set(next.filter(isPlain).map((p) => p.id));
  const out = file.filter((p) => nextIds.has(p.id) || !byId(prev, p.id));
  for (const p of next.filter(isPlain)) {
    const before = byId(prev, p.id);
    if (!before) {
      const at = out.findIndex((f) => f.id === p.id);
      if (at >= 0) out[at] = clone(p);
      else out.push(clone(p));
      continue;
    }
    if (deepEqual(before, p)) continue;
    let entry = out.find((f) => f.id === p.id);
    if (!entry) out.push((entry = { id: p.id, kind: p.kind }));
    diffInto(entry, before, p, 'provider');
  }
  return out;
}
