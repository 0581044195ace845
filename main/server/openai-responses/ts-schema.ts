// TypeScript type text → JSON Schema, for the subset Codex writes in its code-mode tool declarations (the
// description of its `exec` tool, e.g. `exec_command(args: { // Shell command to execute.\n cmd: string; … })`):
// object literals with optional keys and `//` comments, string/number/boolean, literals and unions of them,
// `Array<T>`, `T[]`, `Record<string, T>` and index signatures. Anything else becomes `{}` (any value), so an
// unexpected declaration loses precision, never the tool.

type Schema = Record<string, unknown>;
type Token = { kind: 'comment' | 'ident' | 'string' | 'number' | 'punct'; text: string };

const TOKEN = /\s*(?:\/\/([^\n]*)|([A-Za-z_$][\w$]*)|("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(-?\d+(?:\.\d+)?)|(=>|[{}()<>[\]:;,?|&=.]))/y;

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
    if (m[1] !== undefined) out.push({ kind: 'comment', text: m[1].trim() });
    else if (m[2] !== undefined) out.push({ kind: 'ident', text: m[2] });
    else if (m[3] !== undefined) out.push({ kind: 'string', text: m[3] });
    else if (m[4] !== undefined) out.push({ kind: 'number', text: m[4] });
    else out.push({ kind: 'punct', text: m[5] });
  }
  return out;
}

const PRIMITIVES: Record<string, Schema> = {
  string: { type: 'string' },
  number: { type: 'number' },
  integer: { type: 'integer' },
  boolean: { type: 'boolean' },
  null: { type: 'null' },
  object: { type: 'object' },
};

const stringValue = (literal: string): string => (literal.startsWith('"') ? (JSON.parse(literal) as string) : literal.slice(1, -1).replace(/\\(.)/g, '$1'));

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }
  private take(): Token | undefined {
    return this.tokens[this.i++];
  }
  private is(text: string): boolean {
    const t = this.peek();
    return t !== undefined && t.kind !== 'comment' && t.kind !== 'string' && t.text === text;
  }
  private expect(text: string): void {
    if (!this.is(text)) throw new Error(`expected ${text}`);
    this.i++;
  }
  private skipComments(): string[] {
    const out: string[] = [];
    while (this.peek()?.kind === 'comment') out.push(this.take()!.text);
    return out;
  }

  /** `name(param: Type)` → the parameter's type; the return type is not needed. */
  signature(): { name: string; param: Schema } {
    this.skipComments();
    const name = this.take();
    if (name?.kind !== 'ident') throw new Error('expected a tool name');
    this.expect('(');
    if (this.is(')')) return { name: name.text, param: { type: 'object', properties: {} } };
    this.take();
    if (this.is('?')) this.take();
    this.expect(':');
    return { name: name.text, param: this.type() };
  }

  type(): Schema {
    this.skipComments();
    if (this.is('|')) this.take();
    const members = [this.postfix()];
    while (this.is('|')) {
      this.take();
      members.push(this.postfix());
    }
    return members.length === 1 ? members[0] : union(members);
  }

  private postfix(): Schema {
    let t = this.primary();
    while (this.is('[')) {
      this.take();
      this.expect(']');
      t = { type: 'array', items: t };
    }
    return t;
  }

  private primary(): Schema {
    this.skipComments();
    const t = this.take();
    if (!t) throw new Error('unexpected end of type');
    if (t.kind === 'string') return { type: 'string', const: stringValue(t.text) };
    if (t.kind === 'number') return { type: 'number', const: Number(t.text) };
    if (t.text === '{') return this.objectBody();
    if (t.text === '(') {
      const inner = this.type();
      this.expect(')');
      return inner;
    }
    if (t.kind !== 'ident') throw new Error(`unexpected ${t.text}`);
    if (t.text === 'true' || t.text === 'false') return { type: 'boolean', const: t.text === 'true' };
    if (t.text === 'Array' || t.text === 'ReadonlyArray' || t.text === 'Record') {
      this.expect('<');
      const first = this.type();
      let schema: Schema = { type: 'array', items: first };
      if (t.text === 'Record') {
        this.expect(',');
        schema = { type: 'object', additionalProperties: this.type() };
      }
      this.expect('>');
      return schema;
    }
    return { ...PRIMITIVES[t.text] };
  }

  /** After `{`: properties up to the closing `}`. */
  private objectBody(): Schema {
    const properties: Record<string, Schema> = {};
    const required: string[] = [];
    let additional: Schema | undefined;
    for (;;) {
      const comments = this.skipComments();
      if (this.is('}')) {
        this.take();
        break;
      }
      if (this.is('[')) {
        // An index signature, `[key: string]: T`.
        this.take();
        this.take();
        this.expect(':');
        this.type();
        this.expect(']');
        this.expect(':');
        additional = this.type();
      } else {
        const key = this.take();
        if (!key || (key.kind !== 'ident' && key.kind !== 'string')) throw new Error('expected a property name');
        const name = key.kind === 'string' ? stringValue(key.text) : key.text;
        const optional = this.is('?');
        if (optional) this.take();
        this.expect(':');
        const schema = this.type();
        if (comments.length) schema.description = comments.join('\n');
        properties[name] = schema;
        if (!optional) required.push(name);
      }
      if (this.is(';') || this.is(',')) this.take();
    }
    const out: Schema = { type: 'object', properties };
    if (required.length) out.required = required;
    if (additional) out.additionalProperties = additional;
    return out;
  }
}

/** A union: string or number literals become one `enum`; anything else is `anyOf`. */
function union(members: Schema[]): Schema {
  const type = members[0].type;
  if ((type === 'string' || type === 'number') && members.every((m) => m.type === type && 'const' in m)) {
    return { type, enum: members.map((m) => m.const) };
  }
  return { anyOf: members };
}

/**
 * Parses `declare const tools: { name(args: Type): Promise<…>; };` into the tool's name and the JSON Schema of its
 * one parameter; undefined when the text is not such a declaration.
 */
export function parseToolDeclaration(text: string): { name: string; param: Schema } | undefined {
  const start = /declare\s+const\s+tools\s*:\s*\{/.exec(text);
  if (!start) return undefined;
  try {
    return new Parser(tokenize(text.slice(start.index + start[0].length))).signature();
  } catch {
    return undefined;
  }
}
