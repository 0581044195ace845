import type { GatewayError } from '../../core/errors.js';
import type { StreamPart, ToolDef } from '../../core/types.js';
import type { StreamEncoder } from '../format.js';
import { FreeformInputStream } from './freeform.js';
import { EXEC_TOOL } from './code-mode.js';
import {
  clientCallItem,
  customToolCallItem,
  messageItem,
  newId,
  reasoningItem,
  responseObject,
  type OutputItem,
  type ResponseState,
} from './render.js';
import { routeOf, type CallRoute } from './tools.js';

// Stream parts → Responses API SSE events, each with a growing `sequence_number`:
//   response.created, response.in_progress,
//   per message:  output_item.added, content_part.added, output_text.delta*, output_text.done, content_part.done, output_item.done
//   per call:     output_item.added, function_call_arguments.delta*, function_call_arguments.done, output_item.done
//   per call of a free-form tool: output_item.added, custom_tool_call_input.delta*, custom_tool_call_input.done,
//                 output_item.done (the input decoded out of the upstream's JSON arguments as they arrive)
//   per call of a code-mode tool (code-mode.ts): the same events for a call of `exec`, whose program is written in
//                 one delta when the call's arguments are complete
//   A call's item names the tool as the client knows it (its namespace, or exec), by the tool's route (tools.ts).
//   response.completed (the whole response, with usage), or response.incomplete when the answer was cut
//   (length → incomplete_details.reason "max_output_tokens": Codex reads that event and reports "Incomplete response
//   returned, reason: …"; a response.completed would read as a finished answer).
// A new message or reasoning item opens whenever the kind of output changes, as the API does. Tool calls are kept
// by id and stay open until the response ends: upstreams may interleave the argument chunks of parallel calls
// (OpenAI chat streams do), so the calls are closed together, in output order, at the finish.

interface OpenItem {
  kind: 'message' | 'reasoning' | 'function_call' | 'custom_tool_call';
  outputIndex: number;
  id: string;
  text: string;
  callId?: string;
  route?: CallRoute;
  freeform?: FreeformInputStream;
}

export class ResponsesStreamEncoder implements StreamEncoder {
  private seq = 0;
  private started = false;
  /** The message or reasoning item being written. */
  private open: OpenItem | undefined;
  /** Tool calls by id, in output order; closed together when the response ends. */
  private readonly calls = new Map<string, OpenItem>();
  private readonly state: ResponseState;

  constructor(
    requestedModel: string,
    /** The request's tools, whose routes say how each call reaches the client. */
    private readonly tools?: readonly ToolDef[],
  ) {
    this.state = { id: newId('resp'), model: requestedModel, createdAt: Math.floor(Date.now() / 1000), status: 'in_progress', output: [] };
  }

  part(part: StreamPart): string {
    switch (part.type) {
      case 'response-start':
        if (part.model) this.state.model = part.model;
        return this.start();
      case 'text-delta':
        return part.delta ? this.start() + this.ensure('message') + this.textDelta('response.output_text.delta', part.delta) : '';
      case 'reasoning-delta':
        return part.delta ? this.start() + this.ensure('reasoning') + this.textDelta('response.reasoning_text.delta', part.delta) : '';
      case 'tool-call-start':
        return this.openCall(part.id, part.name);
      case 'tool-call-delta':
        return this.callDelta(part.id, part.argumentsDelta);
      case 'usage':
        this.state.usage = part.usage;
        return '';
      case 'finish':
        this.state.finishReason = part.reason;
        return this.start() + this.closeAll();
      default:
        // Items open with their first delta and close when the next item opens or at the finish, whose reason
        // sets their status (a cut answer's items are `incomplete`). No upstream speaks this format (no
        // `raw-frame`); an `error` part goes to error().
        return '';
    }
  }

  end(): string {
    const out = this.start() + this.closeAll();
    this.state.status = 'completed';
    const response = responseObject(this.state);
    return out + this.emit(response.status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response });
  }

  error(err: GatewayError): string {
    let out = this.start();
    // Codex keys on the code of response.failed's error (context_length_exceeded, rate_limit_exceeded, …).
    const code = err.code ?? (err.status >= 500 ? 'server_error' : err.status === 429 ? 'rate_limit_exceeded' : 'invalid_request');
    out += this.emit('error', { code, message: err.message, param: err.param ?? null });
    this.state.status = 'failed';
    this.state.error = { code, message: err.message };
    return out + this.emit('response.failed', { response: responseObject(this.state) });
  }

  private emit(type: string, payload: Record<string, unknown>): string {
    const data = JSON.stringify({ type, sequence_number: this.seq++, ...payload });
    return `event: ${type}\ndata: ${data}\n\n`;
  }

  private openCall(callId: string, name: string): string {
    if (this.calls.has(callId)) return '';
    const out = this.start() + this.close();
    const route = routeOf(this.tools, name);
    const base = { outputIndex: this.state.output.length, text: '', callId, route };
    const item: OpenItem =
      route.kind === 'function'
        ? { ...base, kind: 'function_call', id: newId('fc') }
        : { ...base, kind: 'custom_tool_call', id: newId('ctc'), ...(route.kind === 'custom' ? { freeform: new FreeformInputStream() } : {}) };
    this.calls.set(callId, item);
    const added = route.kind === 'exec' ? customToolCallItem(item.id, callId, EXEC_TOOL, '') : clientCallItem(route, callId, '', 'in_progress', item.id);
    this.state.output.push(added);
    return out + this.emit('response.output_item.added', { output_index: item.outputIndex, item: added });
  }

  private callDelta(callId: string, delta: string): string {
    const call = this.calls.get(callId);
    if (!call || !delta) return '';
    if (call.freeform) {
      const input = call.freeform.push(delta);
      return input ? this.emit('response.custom_tool_call_input.delta', { item_id: call.id, output_index: call.outputIndex, delta: input }) : '';
    }
    call.text += delta;
    // A code-mode call's program is written once its arguments are complete.
    if (call.kind === 'custom_tool_call') return '';
    return this.emit('response.function_call_arguments.delta', { item_id: call.id, output_index: call.outputIndex, delta });
  }

  private start(): string {
    if (this.started) return '';
    this.started = true;
    const response = responseObject(this.state);
    return this.emit('response.created', { response }) + this.emit('response.in_progress', { response });
  }

  private ensure(kind: 'message' | 'reasoning'): string {
    if (this.open?.kind === kind) return '';
    const out = this.close();
    const item: OpenItem = { kind, outputIndex: this.state.output.length, id: newId(kind === 'message' ? 'msg' : 'rs'), text: '' };
    this.open = item;
    const added = kind === 'message' ? messageItem(item.id, '', 'in_progress') : reasoningItem(item.id, '', 'in_progress');
    this.state.output.push(added);
    const part = kind === 'message' ? { type: 'output_text', text: '', annotations: [], logprobs: [] } : { type: 'reasoning_text', text: '' };
    return (
      out +
      this.emit('response.output_item.added', { output_index: item.outputIndex, item: added }) +
      this.emit('response.content_part.added', { item_id: item.id, output_index: item.outputIndex, content_index: 0, part })
    );
  }

  private textDelta(type: string, delta: string): string {
    const item = this.open as OpenItem;
    item.text += delta;
    const extra = type === 'response.output_text.delta' ? { logprobs: [] } : {};
    return this.emit(type, { item_id: item.id, output_index: item.outputIndex, content_index: 0, delta, ...extra });
  }

  /** Closes the open message or reasoning item. */
  private close(): string {
    const item = this.open;
    if (!item) return '';
    this.open = undefined;
    return this.closeItem(item);
  }

  /** Closes the open item and every tool call, in output order. */
  private closeAll(): string {
    let out = this.close();
    for (const call of this.calls.values()) out += this.closeItem(call);
    this.calls.clear();
    return out;
  }

  private closeItem(item: OpenItem): string {
    const base = { item_id: item.id, output_index: item.outputIndex };
    // An item the length limit cut is `incomplete`, as the API marks it.
    const status = this.state.finishReason === 'length' ? 'incomplete' : 'completed';
    let out = '';
    let done: OutputItem;
    const route = item.route;
    if (route?.kind === 'custom' && item.freeform) {
      const { input, rest } = item.freeform.finish();
      if (rest) out += this.emit('response.custom_tool_call_input.delta', { ...base, delta: rest });
      out += this.emit('response.custom_tool_call_input.done', { ...base, input });
      done = customToolCallItem(item.id, item.callId ?? '', route.name, input, route.namespace);
    } else if (route?.kind === 'exec') {
      done = clientCallItem(route, item.callId ?? '', item.text, status, item.id);
      const input = String(done.input);
      out += this.emit('response.custom_tool_call_input.delta', { ...base, delta: input });
      out += this.emit('response.custom_tool_call_input.done', { ...base, input });
    } else if (route?.kind === 'function') {
      out += this.emit('response.function_call_arguments.done', { ...base, name: route.name, arguments: item.text });
      done = clientCallItem(route, item.callId ?? '', item.text, status, item.id);
    } else if (item.kind === 'message') {
      out += this.emit('response.output_text.done', { ...base, content_index: 0, text: item.text, logprobs: [] });
      out += this.emit('response.content_part.done', { ...base, content_index: 0, part: { type: 'output_text', text: item.text, annotations: [], logprobs: [] } });
      done = messageItem(item.id, item.text, status);
    } else {
      out += this.emit('response.reasoning_text.done', { ...base, content_index: 0, text: item.text });
      out += this.emit('response.content_part.done', { ...base, content_index: 0, part: { type: 'reasoning_text', text: item.text } });
      done = reasoningItem(item.id, item.text, 'completed');
    }
    this.state.output[item.outputIndex] = done;
    return out + this.emit('response.output_item.done', { output_index: item.outputIndex, item: done });
  }
}
