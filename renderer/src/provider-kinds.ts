// The provider kinds and what the add/edit form asks for each come from the gateway (GET /admin/provider-kinds,
// built from main/providers/kinds/), so a new kind needs nothing here. Only the words for each field are the window's.
import { api } from './api.js';
import type { FormField, ProviderKindView } from './types.js';

export const fieldLabels: Record<FormField, string> = {
  baseUrl: 'Base URL',
  apiKey: 'API key',
  region: 'Region',
  apiVersion: 'API version',
  deployment: 'Deployment',
  local: 'Counts as local (on this machine or LAN)',
};

let kinds: Promise<ProviderKindView[]> | undefined;

/** Asked once: the list does not change while the gateway runs. A failed answer is asked again next time. */
export function loadProviderKinds(): Promise<ProviderKindView[]> {
  kinds ??= api<ProviderKindView[]>('/provider-kinds').catch((err: unknown) => {
    kinds = undefined;
    throw err;
  });
  return kinds;
}
