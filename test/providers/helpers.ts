// Builds real adapters from settings-shaped input, and small helpers to drive them.
import type { CallContext, Provider } from '../../main/core/provider.js';
import type { ProviderRequest, StreamPart } from '../../main/core/types.js';
import { createProvider } from '../../main/providers/factories.js';
import { settingsSchema, type SettingsInput } from '../../main/settings/schema.js';

type ProviderInput = NonNullable<SettingsInput['providers']>[number];

export function makeProvider(p: ProviderInput, server: SettingsInput['server'] = {}): Provider {
  const settings = settingsSchema.parse({ server, providers: [p] });
  return createProvider(settings.providers[0], settings);
}

export function ctx(signal: AbortSignal = new AbortController().signal): CallContext {
  return { signal, requestId: 'req-test' };
}

export function request(over: Partial<ProviderRequest> = {}): ProviderRequest {
  return {
    model: 'client-model',
    upstreamModel: 'fake-model',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello there' }] }],
    stream: false,
    ...over,
  };
}

/** Every part of a stream, in order. */
export async function collect(it: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const p of it) parts.push(p);
  return parts;
}

/** Resolves with the error a promise rejects with (fails the test when it resolves). */
export async function failure(p: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await p;
  } catch (err) {
    return err as Error & Record<string, unknown>;
  }
  throw new Error('expected a failure');
}

export const textOf = (parts: StreamPart[]): string =>
  parts.map((p) => (p.type === 'text-delta' ? p.delta : '')).join('');
