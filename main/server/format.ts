// An inbound wire format (OpenAI chat, Anthropic messages, OpenAI responses). Each lives in
// server/<format>/ and only translates: bytes ⇄ internal shape. It knows nothing about providers.
import type { GatewayError } from '../core/errors.js';
import type { ChatRequest, ChatResponse, ClientFormat, NativeBody, StreamPart, ToolDef } from '../core/types.js';

export interface ParsedInbound {
  request: ChatRequest;
  /** The validated body, for same-format pass-through to a provider that speaks this format natively. */
  native: NativeBody;
}

/**
 * Turns stream parts into this format's SSE text. One encoder per response. Under pass-through (the pipeline's
 * choice: the upstream speaks this format) it writes the upstream's `raw-frame`s as they are, and translates only
 * the parts that no frame carried (an upstream that answered a stream request with JSON).
 */
export interface StreamEncoder {
  /** Text to write for one part ('' when nothing is due). */
  part(part: StreamPart): string;
  /** Text that ends a stream that finished normally (e.g. `data: [DONE]`). */
  end(): string;
  /** Text that ends a stream that failed after it started: a well-formed error event in this format. */
  error(err: GatewayError): string;
}

export interface StreamEncoderOptions {
  includeUsage: boolean;
  /** The model the client asked for, reported until the upstream names its own. */
  requestedModel: string;
  /** The request's tools. */
  tools?: readonly ToolDef[];
  passThrough: boolean;
}

export interface InboundFormat {
  format: ClientFormat;
  /** Paths (without the /v1 prefix, which is added as well as not) that this format serves with POST. */
  paths: string[];
  /** Request headers forwarded to a same-format upstream along with the body (e.g. `anthropic-beta`). */
  passHeaders?: string[];
  /** Validates (zod) and translates. Throws GatewayError (400) naming the bad field. */
  parse(body: unknown): ParsedInbound;
  /** The non-streaming response body. `model` is what we report as the model. `tools`: the request's. */
  renderResponse(res: ChatResponse, tools?: readonly ToolDef[]): unknown;
  createStreamEncoder(opts: StreamEncoderOptions): StreamEncoder;
  /** The error body and status in this format's envelope. */
  renderError(err: GatewayError): { status: number; body: unknown };
}
