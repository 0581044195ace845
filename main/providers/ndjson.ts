// Newline-delimited JSON from an upstream body (Ollama's streams), parsed once per line as the chunks arrive. An
// unfinished line is held as the chunks it came in, and capped: an endless line fails the stream instead of
// growing in memory or being rescanned on every chunk.
import { protocolError, tooLarge, type UpstreamIdentity } from './http.js';

const NEWLINE = 0x0a;

export class NdjsonReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  /** `maxLineBytes`: server.maxEventBytes. */
  constructor(
    private readonly who: UpstreamIdentity,
    private readonly maxLineBytes: number,
  ) {}

  /** The values of the lines this chunk completed. A bad or oversized line throws an upstream_protocol error. */
  push(chunk: Buffer): unknown[] {
    const values: unknown[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      this.hold(chunk.subarray(start, nl));
      const line = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
      this.parse(line, values);
      start = nl + 1;
    }
    if (start < chunk.length) this.hold(start === 0 ? chunk : chunk.subarray(start));
    return values;
  }

  /** At the end of the body: a last line without its newline is still a line, half a line is an error. */
  end(): unknown[] {
    const values: unknown[] = [];
    if (this.pendingBytes === 0) return values;
    const line = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    try {
      this.parse(line, values);
    } catch (err) {
      throw protocolError(this.who, 'ended the stream in the middle of an NDJSON line', err);
    }
    return values;
  }

  private hold(part: Buffer): void {
    this.pendingBytes += part.length;
    if (this.pendingBytes > this.maxLineBytes) throw tooLarge(this.who, 'one NDJSON line', this.maxLineBytes, 'maxEventBytes');
    this.pending.push(part);
  }

  private parse(line: Buffer, into: unknown[]): void {
    const text = line.toString('utf8');
    if (text.trim() === '') return;
    try {
      into.push(JSON.parse(text));
    } catch (err) {
      throw protocolError(this.who, `sent an invalid NDJSON line: ${text.slice(0, 80)}`, err);
    }
  }
}
