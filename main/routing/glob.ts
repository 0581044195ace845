// Glob patterns for settings.modelMap (`claude-*`, `gpt-5*mini*`, `o[0-9]*`): `*` any run, `?` one character,
// `[...]` a character class. Case-insensitive, whole-name match. Compiled once per pattern.
const compiled = new Map<string, RegExp>();

function compile(pattern: string): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end === -1) re += '\\[';
      else {
        const body = pattern.slice(i + 1, end).replace(/\\/g, '\\\\');
        re += `[${body.startsWith('!') ? '^' + body.slice(1) : body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(re + '$', 'i');
}

export function globMatch(pattern: string, name: string): boolean {
  let re = compiled.get(pattern);
  if (!re) {
    re = compile(pattern);
    if (compiled.size > 1000) compiled.clear();
    compiled.set(pattern, re);
  }
  return re.test(name);
}
