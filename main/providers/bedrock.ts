// Amazon Bedrock through the Converse / ConverseStream APIs of @aws-sdk/client-bedrock-runtime (the SDK signs;
// nothing here is hand-rolled). Auth: a Bedrock API key (Lynkr's AWS_BEDROCK_API_KEY, the provider's `apiKey`)
// goes as `Authorization: Bearer`; without one the SDK's standard credential chain (env, profile, SSO, role)
// signs with SigV4. `baseUrl` overrides the endpoint (VPC endpoints, tests).
import type { BedrockRuntimeClient, BedrockRuntimeClientConfig } from '@aws-sdk/client-bedrock-runtime';
import { GatewayError } from '../core/errors.js';
import type { CallContext, Locality, Provider } from '../core/provider.js';
import type { ChatResponse, ModelInfo, ProviderRequest, StreamPart } from '../core/types.js';
import type { ProviderSettings } from '../settings/schema.js';
import type { AdapterEnv } from './anthropic.js';
import { ConverseStreamState, fromConverseOutput, toConverseInput } from './bedrock-wire.js';
import { displayUrl, httpError, protocolError, transportError, withDeadline, type HttpTimeouts, type UpstreamIdentity } from './http.js';

export const BEDROCK_DEFAULT_REGION = 'us-east-1';

/** Exceptions that arrive inside a ConverseStream (no HTTP status of their own). */
const STREAM_EXCEPTION_STATUS: Record<string, number> = {
  ThrottlingException: 429,
  ValidationException: 400,
  ServiceUnavailableException: 503,
  InternalServerException: 500,
  ModelStreamErrorException: 502,
  ModelTimeoutException: 504,
};

interface BedrockSdk {
  client: BedrockRuntimeClient;
  ConverseCommand: typeof import('@aws-sdk/client-bedrock-runtime').ConverseCommand;
  ConverseStreamCommand: typeof import('@aws-sdk/client-bedrock-runtime').ConverseStreamCommand;
}

export class BedrockProvider implements Provider {
  readonly id: string;
  readonly kind = 'bedrock' as const;
  readonly locality: Locality;
  readonly endpoint: string;
  /** The AWS SDK loads on first use (~200 ms of imports that a gateway without Bedrock should not pay at start). */
  private client?: Promise<BedrockSdk>;
  private readonly settings: ProviderSettings;
  private readonly who: UpstreamIdentity;
  private readonly timeouts: HttpTimeouts;
  private readonly models: string[];

  constructor(settings: ProviderSettings, { locality, timeouts }: AdapterEnv) {
    this.id = settings.id;
    this.locality = locality;
    this.timeouts = timeouts;
    this.models = settings.models;
    const region = settings.region ?? BEDROCK_DEFAULT_REGION;
    this.endpoint = settings.baseUrl ? displayUrl(settings.baseUrl) : `https://bedrock-runtime.${region}.amazonaws.com`;
    this.who = { provider: settings.id, endpoint: this.endpoint, secrets: settings.apiKey ? [settings.apiKey] : [] };
    this.settings = settings;
  }

  private sdk(): Promise<BedrockSdk> {
    this.client ??= (async () => {
      const [sdk, { NodeHttpHandler }] = await Promise.all([import('@aws-sdk/client-bedrock-runtime'), import('@smithy/node-http-handler')]);
      const settings = this.settings;
      const config: BedrockRuntimeClientConfig = {
        region: settings.region ?? BEDROCK_DEFAULT_REGION,
        // The pipeline owns retries and fallback.
        maxAttempts: 1,
        // HTTP/1.1 keep-alive (the SDK's default for this client is HTTP/2, which Converse does not need).
        // Its socket inactivity timer covers both the wait for the first byte and the gaps between events.
        requestHandler: new NodeHttpHandler({
          connectionTimeout: this.timeouts.connectTimeoutMs,
          socketTimeout: Math.max(this.timeouts.firstByteTimeoutMs, this.timeouts.idleChunkTimeoutMs),
        }),
      };
      if (settings.baseUrl) config.endpoint = settings.baseUrl;
      if (settings.apiKey) {
        config.token = { token: settings.apiKey };
        config.authSchemePreference = ['httpBearerAuth'];
      }
      const client = new sdk.BedrockRuntimeClient(config);
      if (Object.keys(settings.headers).length) {
        client.middlewareStack.add(
          (next) => async (args) => {
            const request = args.request as { headers?: Record<string, string> };
            if (request.headers) Object.assign(request.headers, settings.headers);
            return next(args);
          },
          { step: 'build', name: 'lynkrExtraHeaders' },
        );
      }
      return { client, ConverseCommand: sdk.ConverseCommand, ConverseStreamCommand: sdk.ConverseStreamCommand };
    })();
    return this.client;
  }

  async chat(req: ProviderRequest, ctx: CallContext): Promise<ChatResponse> {
    const input = toConverseInput(req, this.id);
    const d = withDeadline(ctx.signal, this.timeouts.upstreamTimeoutMs);
    try {
      const { client, ConverseCommand } = await this.sdk();
      const out = await client.send(new ConverseCommand(input), { abortSignal: d.signal });
      if (!out.output?.message) throw protocolError(this.who, 'returned no output message');
      return fromConverseOutput(out, req.upstreamModel, `bedrock-${out.$metadata.requestId ?? Date.now()}`);
    } catch (err) {
      throw this.mapError(err, ctx.signal, d.fired() ? this.timeouts.upstreamTimeoutMs : undefined);
    } finally {
      d.clear();
    }
  }

  async *stream(req: ProviderRequest, ctx: CallContext): AsyncGenerator<StreamPart> {
    const input = toConverseInput(req, this.id);
    let state: ConverseStreamState;
    try {
      const { client, ConverseStreamCommand } = await this.sdk();
      const out = await client.send(new ConverseStreamCommand(input), { abortSignal: ctx.signal });
      if (!out.stream) throw protocolError(this.who, 'returned no event stream');
      state = new ConverseStreamState(`bedrock-${out.$metadata.requestId ?? Date.now()}`, req.upstreamModel);
      for await (const ev of out.stream) yield* state.parts(ev);
    } catch (err) {
      throw this.mapError(err, ctx.signal);
    }
    if (!state.stopped) throw protocolError(this.who, 'ended the event stream before messageStop');
    yield* state.finish();
  }

  /** Bedrock has no per-runtime model list; the configured models are what this provider serves. */
  async listModels(): Promise<ModelInfo[]> {
    return this.models.map((id) => ({ id }));
  }

  async close(): Promise<void> {
    if (this.client) (await this.client).client.destroy();
  }

  private mapError(err: unknown, signal: AbortSignal, deadlineMs?: number): GatewayError {
    if (err instanceof GatewayError) return err;
    const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number }; $response?: { headers?: Record<string, string> } };
    const status = e.$metadata?.httpStatusCode ?? (e.name ? STREAM_EXCEPTION_STATUS[e.name] : undefined);
    if (status && status >= 400 && !deadlineMs && !signal.aborted) {
      return httpError(this.who, status, JSON.stringify({ message: `${e.name}: ${e.message ?? ''}` }), e.$response?.headers ?? {});
    }
    if (e.name === 'TimeoutError' && !deadlineMs && !signal.aborted) {
      // The SDK's socket inactivity timer (connect, first byte, between events).
      return new GatewayError({ kind: 'upstream_timeout', status: 504, provider: this.id, message: `${this.id} (${this.endpoint}) timed out: ${e.message ?? ''}`, cause: err });
    }
    return transportError(err, this.who, { deadlineMs, clientAborted: signal.aborted, timeouts: this.timeouts });
  }
}
