import { describe, expect, it } from 'vitest';
import { NdjsonReader } from '../../main/providers/ndjson.js';
import { SseReader } from '../../main/providers/sse.js';

const who = { provider: 'up', endpoint: 'http://127.0.0.1:1' };
const b = (s: string): Buffer => Buffer.from(s);

describe('NdjsonReader', () => {
  it('parses each line once, across chunk boundaries (a multi-byte character split too), blank lines skipped', () => {
    const r = new NdjsonReader(who, 1024);
    expect(r.push(b('{"a":1}\n\n{"b":'))).toEqual([{ a: 1 }]);
    const euro = b('"€"}\n');
    expect(r.push(euro.subarray(0, 2))).toEqual([]);
    expect(r.push(euro.subarray(2))).toEqual([{ b: '€' }]);
    expect(r.end()).toEqual([]);
  });

  it('a last line without its newline is a line; half a line at the end is an upstream_protocol error', () => {
    const ok = new NdjsonReader(who, 1024);
    expect(ok.push(b('{"done":true}'))).toEqual([]);
    expect(ok.end()).toEqual([{ done: true }]);
    const cut = new NdjsonReader(who, 1024);
    cut.push(b('{"done":'));
    expect(() => cut.end()).toThrow(/ended the stream in the middle of an NDJSON line/);
  });

  it('an invalid line, and a line over the cap (ended or not), are upstream_protocol errors naming the provider', () => {
    expect(() => new NdjsonReader(who, 1024).push(b('<html>\n'))).toThrow(/^up \(http:\/\/127.0.0.1:1\) sent an invalid NDJSON line: <html>/);
    const endless = new NdjsonReader(who, 100);
    expect(endless.push(b('x'.repeat(60)))).toEqual([]);
    expect(() => endless.push(b('x'.repeat(60)))).toThrow(expect.objectContaining({ kind: 'upstream_protocol', status: 502, message: expect.stringMatching(/one NDJSON line over the 100 bytes limit \(server.maxEventBytes\)/) }));
    expect(() => new NdjsonReader(who, 100).push(b(`"${'x'.repeat(200)}"\n`))).toThrow(/one NDJSON line over/);
  });
});

describe('SseReader caps one event', () => {
  it('an endless line, or data lines that never end their event, fail past maxEventBytes', () => {
    const line = new SseReader(who, 100);
    expect(line.push('data: ' + 'x'.repeat(50))).toEqual([]);
    expect(() => line.push('x'.repeat(60))).toThrow(/one event over the .* limit \(server.maxEventBytes\)/);
    const lines = new SseReader(who, 100);
    expect(() => {
      for (let i = 0; i < 20; i++) lines.push('data: 0123456789\n');
    }).toThrow(/one event over/);
    // Many small events in one chunk are fine: the cap is per event.
    expect(new SseReader(who, 100).push('data: 0123456789\n\n'.repeat(50))).toHaveLength(50);
  });
});
