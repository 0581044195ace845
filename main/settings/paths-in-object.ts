// Dotted setting paths (`server.port`, `providers[openai].apiKey`). A `[id]` segment addresses an entry of a
// keyed object here; env.ts turns that object into the schema's provider list afterwards.

function segments(path: string): string[] {
  return path.split(/\.|(?=\[)/).map((s) => s.replace(/^\[(.*)\]$/, '$1'));
}

export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = segments(path);
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}

export function getPath(source: unknown, path: string): unknown {
  let node = source;
  for (const key of segments(path)) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}
