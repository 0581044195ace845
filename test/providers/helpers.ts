// Builds real adapters from settings-shaped input, and small helpers to drive them.
import type { CallContext, Provider } from '../../main/core/provider.js';
import type { ProviderRequest, StreamChunk, StreamEvent } from '../../main/core/types.js';
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

export async function collect(it: AsyncIterable<StreamChunk>): Promise<{ chunks: StreamChunk[]; events: StreamEvent[] }> {
  const chunks: StreamChunk[] = [];
  for await (const c of it) chunks.push(c);
  return { chunks, events: chunks.flatMap((c) => c.events) };
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

export const textOf = (events: StreamEvent[]): string =>
  events.map((e) => (e.type === 'text' ? e.delta : '')).join('');
