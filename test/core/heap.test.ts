import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// A child process keeps ~40 MB live while replacing a third of it each round, so that dead objects pile up in the
// old generation; it reports the largest heap it reached. Same churn, with and without boundHeapGrowth().
const churn = (bound: boolean): number => {
  const script = `
    ${bound ? `const { boundHeapGrowth } = await import(${JSON.stringify(new URL('../../main/core/heap.ts', import.meta.url).href)}); boundHeapGrowth();` : ''}
    const live = new Array(4000);
    let peak = 0;
    for (let round = 0; round < 60; round++) {
      for (let i = 0; i < 4000; i++) if ((i + round) % 3 === 0 || live[i] === undefined) live[i] = { data: new Array(1200).fill(round + i), s: 'x'.repeat(200) + i };
      for (let j = 0; j < 3; j++) { const tmp = []; for (let k = 0; k < 20000; k++) tmp.push({ k }); }
      peak = Math.max(peak, process.memoryUsage().heapTotal);
    }
    process.stdout.write(String(peak));`;
  return Number(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' }));
};

describe('boundHeapGrowth', () => {
  it('keeps the heap much closer to the live set than V8 does by default', () => {
    const unbounded = churn(false);
    const bounded = churn(true);
    expect(unbounded).toBeGreaterThan(150 * 1024 * 1024);
    expect(bounded).toBeLessThan(unbounded * 0.8);
  }, 60_000);
});
