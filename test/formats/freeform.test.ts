import { describe, expect, it } from 'vitest';
import { FreeformInputStream, freeformInput } from '../../main/server/openai-responses/freeform.js';

/** Every way of cutting `args` into two deltas, plus one delta per character. */
function splits(args: string): string[][] {
  const out: string[][] = [[args], [...args]];
  for (let i = 1; i < args.length; i++) out.push([args.slice(0, i), args.slice(i)]);
  return out;
}

function run(deltas: string[]): { streamed: string; input: string } {
  const s = new FreeformInputStream();
  let streamed = deltas.map((d) => s.push(d)).join('');
  const { input, rest } = s.finish();
  streamed += rest;
  return { streamed, input };
}

describe('free-form tool input', () => {
  const inputs = ['', 'plain', '*** Begin Patch\n\t"quoted" \\ back/slash\r\n*** End Patch', 'naïve ✓ 😀 \u0000\u001f', 'x'.repeat(300)];

  it.each(inputs)('decodes the input out of JSON arguments split anywhere, even inside escapes: %j', (text) => {
    for (const args of [JSON.stringify({ input: text }), `{ "input" : ${JSON.stringify(text)} }`, JSON.stringify({ input: text }).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)]) {
      for (const d of splits(args)) {
        const { streamed, input } = run(d);
        expect(input).toBe(text);
        expect(streamed).toBe(text);
      }
    }
  });

  it('holds arguments of another shape and decodes them at the end', () => {
    expect(run(['{"path":"a.ts",', '"input":"x"}'])).toEqual({ streamed: 'x', input: 'x' });
    expect(run(['not ', 'json'])).toEqual({ streamed: 'not json', input: 'not json' });
    expect(run(['{"other":1}'])).toEqual({ streamed: '{"other":1}', input: '{"other":1}' });
    // A model that named the one argument otherwise still gets its text through.
    expect(run(['{"patch":"*** Begin', ' Patch\\n"}'])).toEqual({ streamed: '*** Begin Patch\n', input: '*** Begin Patch\n' });
    expect(run(['{"a":"x","b":"y"}'])).toEqual({ streamed: '{"a":"x","b":"y"}', input: '{"a":"x","b":"y"}' });
  });

  it('keeps what arrived of an input cut short', () => {
    const s = new FreeformInputStream();
    expect(s.push('{"input":"abc')).toBe('abc');
    expect(s.finish()).toEqual({ input: 'abc', rest: '' });
  });

  it('freeformInput: the input field, else the raw text', () => {
    expect(freeformInput('{"input":"a\\nb"}')).toBe('a\nb');
    expect(freeformInput('{"input":5}')).toBe('{"input":5}');
    expect(freeformInput('*** Begin Patch')).toBe('*** Begin Patch');
  });
});
