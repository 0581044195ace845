// A fake OpenAI upstream in its own process, so that it does not share an event loop with what is measured.
// Usage: node --import tsx bench/upstream.ts [--delay-ms N] [--chunks N]   → prints "READY <port>"
import { startFakeOpenAI } from '../test/fakes/openai.js';

const arg = (name: string): number | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : undefined;
};

const fake = await startFakeOpenAI({ record: false, script: { text: 'The quick brown fox jumps over the lazy dog.', chunks: arg('--chunks') ?? 4, delayMs: arg('--delay-ms') ?? 0 } });
process.stdout.write(`READY ${fake.port}\n`);
process.on('SIGTERM', () => void fake.close().then(() => process.exit(0)));
