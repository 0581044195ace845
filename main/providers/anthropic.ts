// Anthropic Messages API adapter (x-api-key, anthropic-version). Speaks `anthropic-messages` natively: when the
// pipeline passes an Anthropic client through, its body goes with only the model replaced and the upstream's events
// come back as they are, so prompt caching (`cache_control`), server tools and thinking signatures survive.
import { GatewayError } from '../core/errors.js';
import type { CallContext, FittedRequest, Locality, Provider } from '../core/provider.js';
import type { ChatResponse, ModelInfo, ProviderRequest, StreamPart } from '../core/types.js';
import type { ProviderSettings } from '../settings/schema.js';
import { fitAnthropicRequest, statedAnthropicOutputLimit } from './anthropic-fit.js';
import { AnthropicStreamState, fromAnthropicResponse, toAnthropicBody } from './anthropic-wire.js';
import { HttpUpstream, protocolError, transportError } from './http.js';
import type { ProviderEnv } from './kinds/definition.js';
import { LearnedOutputLimits } from './openai-models.js';
import { SseReader, sseJson } from './sse.js';

export const ANTHROPIC_VERSION = '2023-06-01';

/** What the adapters built from their settings need besides them: the base URL and locality their kind resolved. */
export type AdapterEnv = Pick<ProviderEnv, 'baseUrl' | 'locality' | 'timeouts'>;

/**
 * A same-format client's `anthropic-beta` header (Claude Code sends one; beta body fields need it). Read from
 * `native.headers`, which the chat handler fills from the format's `passHeaders`.
 */
function betaHeader(req: ProviderRequest): Record<string, string> | undefined {
  if (req.native?.format !== 'anthropic-messages') return undefined;
  const beta = req.native?.headers?.['anthropic-beta'];
  return beta ? { 'anthropic-beta': beta } : undefined;
}

export class AnthropicProvider implements Provider {
  readonly id: string;
  readonly kind = 'anthropic' as const;
  readonly locality: Locality;
  readonly nativeFormat = 'anthropic-messages' as const;
  readonly endpoint: string;
  private readonly http: HttpUpstream;
  /** Output limits learned from the upstream's refusals (no table: Anthropic states the limit in its 400). */
  private readonly outputLimits = new LearnedOutputLimits();

  constructor(settings: ProviderSettings, { baseUrl, locality, timeouts }: AdapterEnv) {
    this.id = settings.id;
    this.locality = locality;
    // Accept the base URL with or without /v1 (SDKs differ on which one they want).
    const base = (baseUrl ?? '').replace(/\/v1$/, '');
    this.http = new HttpUpstream({
      provider: settings.id,
      baseUrl: `${base}/v1`,
      timeouts,
      secrets: settings.apiKey ? [settings.apiKey] : [],
      headers: {
        'anthropic-version': ANTHROPIC_VERSION,
        ...(settings.apiKey ? { 'x-api-key': settings.apiKey } : {}),
        ...settings.headers,
      },
    });
    this.endpoint = this.http.endpoint;
  }

  async fit(req: ProviderRequest): Promise<FittedRequest> {
    const fitted = fitAnthropicRequest(req, this.outputLimits.get(req.upstreamModel));
    return fitted;
  }

  /** Anthropic's 400 "max_tokens: N > L, which is the maximum allowed number of output tokens for …" teaches L. */
  private learnLimit(err: unknown, model: string): unknown {
    return this.outputLimits.learnFrom(err, model, statedAnthropicOutputLimit);
  }

  async chat(req: ProviderRequest, ctx: CallContext): Promise<ChatResponse> {
    const body = toAnthropicBody({ ...req, stream: false }, this.id);
    const res = await this.http
      .json<Parameters<typeof fromAnthropicResponse>[0]>({ method: 'POST', path: '/messages', body, signal: ctx.signal, headers: betaHeader(req) })
      .catch((err: unknown) => Promise.reject(this.learnLimit(err, req.upstreamModel)));
    if (!Array.isArray(res.content)) throw protocolError(this.http, 'returned a body without `content`');
    return fromAnthropicResponse(res, req.upstreamModel);
  }

  /** With pass-through (the client speaks Anthropic too), each event's parts are followed by the event itself. */
  async *stream(req: ProviderRequest, ctx: CallContext): AsyncGenerator<StreamPart> {
    const passThrough = req.native !== undefined;
    const body = toAnthropicBody({ ...req, stream: true }, this.id);
    const res = await this.http
      .send({ method: 'POST', path: '/messages', body, signal: ctx.signal, headers: betaHeader(req) })
      .catch((err: unknown) => Promise.reject(this.learnLimit(err, req.upstreamModel)));
    const state = new AnthropicStreamState(this.id);
    let sawStop = false;
    try {
      const sse = new SseReader(this.http, this.http.timeouts.maxEventBytes);
      for await (const bytes of res.body) {
        for (const msg of sse.push(bytes)) {
          const ev = sseJson<Record<string, unknown>>(msg.data, this.http);
          if (ev.type === 'message_stop') sawStop = true;
          yield* state.parts(ev);
          if (passThrough) yield { type: 'raw-frame', data: msg.data };
        }
      }
    } catch (err) {
      throw transportError(err, this.http, { clientAborted: ctx.signal.aborted, timeouts: this.http.timeouts });
    }
    if (!sawStop) throw protocolError(this.http, 'ended the stream before message_stop');
  }

  async listModels(ctx: CallContext): Promise<ModelInfo[]> {
    const res = await this.http.json<{ data?: Array<{ id?: string }> }>({ method: 'GET', path: '/models?limit=1000', signal: ctx.signal });
    if (!Array.isArray(res.data)) throw new GatewayError({ kind: 'upstream_protocol', status: 502, provider: this.id, message: `${this.id} returned a model list without data` });
    return res.data.filter((m) => typeof m.id === 'string').map((m) => ({ id: m.id as string }));
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
