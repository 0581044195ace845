import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { envTable } from '../../main/settings/env.js';

// The README's env table is generated from env.ts; this keeps them from drifting apart.
describe('README env table', () => {
  it('documents every variable with its default, exactly as the table in env.ts says', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const row of envTable()) expect(readme, row.name).toContain(`| \`${row.name}\` | ${row.default} | ${row.description} |`);
  });
});
