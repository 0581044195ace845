// Which provider ids Lynkr's env names create (one per kind that has env names; the id is the kind), their
// locality, and the models the default aliases use for each. Derived from the kinds list (providers/kinds/);
// env.ts, defaults.ts and the README table read it.
import { kindDefinition, providerKinds, type ProviderKind } from '../providers/kinds/index.js';

export interface CatalogEntry {
  kind: ProviderKind;
  local: boolean;
  /** Cheap, quick model for `chat-fast` and the SIMPLE/MEDIUM tiers. */
  fast?: string;
  /** Strong model for `chat-quality` and the COMPLEX tier. */
  strong?: string;
  /** Model for the REASONING tier. */
  reasoning?: string;
}

/** Keyed by the provider id that the env names create (the id is also the `id/` prefix of targets). */
export const catalog: Readonly<Record<string, CatalogEntry>> = Object.fromEntries(
  providerKinds.filter((k) => k.env.length > 0).map((k) => [k.kind, { kind: k.kind, local: k.locality === 'local', ...k.models }]),
);

export function catalogEntry(id: string): CatalogEntry | undefined {
  return Object.hasOwn(catalog, id) ? catalog[id] : undefined;
}

/** Kinds that run on this machine unless the provider says otherwise. */
export function isLocalKind(kind: string): boolean {
  return kindDefinition(kind)?.locality === 'local';
}
