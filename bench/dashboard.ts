// The window's first render (issue 21: "Dashboard first render stays ≤ 1 s"): navigation start → the Overview drawn
// with the gateway's status, in Debian's Chromium against a real gateway in front of a fake Ollama and a fake
// OpenAI, as `lynkr start` prints the URL. Median of fresh page loads. A benchmark, not a timed test.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { chromium } from 'playwright-core';
import { startGateway } from '../main/cli/start.js';
import { startFakeOllama } from '../test/fakes/ollama.js';
import { startFakeOpenAI } from '../test/fakes/openai.js';

const CHROMIUM = '/usr/bin/chromium';
const LOADS = 7;
const GOAL_MS = 1000;

export async function run(): Promise<string> {
  if (!existsSync(CHROMIUM)) return `Skipped: no Chromium at ${CHROMIUM}.\n`;
  const [ollama, openai] = await Promise.all([startFakeOllama({ models: ['qwen2.5-coder:7b'] }), startFakeOpenAI({ models: ['gpt-4o-mini'] })]);
  const dataDir = mkdtempSync(join(tmpdir(), 'lynkr-bench-ui-'));
  writeFileSync(
    join(dataDir, 'settings.json'),
    JSON.stringify({
      server: { port: 0 },
      providers: [
        { id: 'ollama', kind: 'ollama', baseUrl: ollama.url, models: ['qwen2.5-coder:7b'] },
        { id: 'openai', kind: 'openai', baseUrl: openai.url, apiKey: 'sk-bench-0123456789abcdef', models: ['gpt-4o-mini'] },
      ],
      log: { level: 'silent' },
    }),
  );
  const gateway = await startGateway({ dataDir, env: {}, cwd: dataDir, logDestination: new Writable({ write: (_c, _e, cb) => cb() }) });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
  const samples: number[] = [];
  try {
    for (let i = 0; i <= LOADS; i++) {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${gateway.port}/ui/#token=${gateway.adminToken}`);
      await page.waitForSelector('[data-testid="overview"]');
      const ms = await page.evaluate<number>("performance.getEntriesByName('overview-rendered')[0]?.startTime ?? -1");
      if (i > 0) samples.push(ms); // the first load fills the browser's and the gateway's caches
      await page.close();
    }
  } finally {
    await browser.close();
    await gateway.close();
    await Promise.all([ollama.close(), openai.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return [
    `Navigation start → Overview rendered with the status, ${LOADS} fresh page loads after one warm-up load.`,
    '',
    '| median | fastest | slowest | goal |',
    '|---|---|---|---|',
    `| ${median.toFixed(0)} ms | ${sorted[0].toFixed(0)} ms | ${sorted.at(-1)!.toFixed(0)} ms | ≤ ${GOAL_MS} ms ${median <= GOAL_MS ? '✓' : '✗'} |`,
    '',
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await run());
