import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettings, SettingsError } from '../../main/settings/load.js';
import { tempDir } from './tmp.js';

function setup(opts: { file?: unknown; dotenv?: string } = {}) {
  const dataDir = tempDir();
  const cwd = tempDir();
  if (opts.file !== undefined) writeFileSync(join(dataDir, 'settings.json'), JSON.stringify(opts.file));
  if (opts.dotenv !== undefined) writeFileSync(join(cwd, '.env'), opts.dotenv);
  return { dataDir, cwd };
}

describe('loadSettings precedence', () => {
  it('flag > env > .env > file > default, key by key', () => {
    const { dataDir, cwd } = setup({
      file: { version: 1, server: { port: 1111, host: 'file-host', bodyLimitBytes: 1234 }, log: { level: 'warn', retentionDays: 3 }, mode: 'cloud' },
      dotenv: 'PORT=2222\nHOST=dotenv-host\nLOG_LEVEL=error\n',
    });
    const env = { PORT: '3333', HOST: 'env-host' };
    const full = loadSettings({ dataDir, cwd, env, flags: { port: 4444 } }).settings;
    expect(full.server.port).toBe(4444); // flag
    expect(full.server.host).toBe('env-host'); // env over .env and file
    expect(full.log.level).toBe('error'); // .env over file
    expect(full.log.retentionDays).toBe(3); // file over default
    expect(full.server.bodyLimitBytes).toBe(1234);
    expect(full.mode).toBe('cloud');
    expect(full.server.upstreamTimeoutMs).toBe(120_000); // default

    expect(loadSettings({ dataDir, cwd, env }).settings.server.port).toBe(3333);
    expect(loadSettings({ dataDir, cwd, env: {} }).settings.server.port).toBe(2222);
    expect(loadSettings({ dataDir, cwd: tempDir(), env: {} }).settings.server.port).toBe(1111);
    expect(loadSettings({ dataDir: tempDir(), cwd: tempDir(), env: {} }).settings.server.port).toBe(8081);
  });

  it('never writes .env values into process.env', () => {
    const { dataDir, cwd } = setup({ dotenv: 'LYNKR_TEST_ONLY_VAR=1\nOPENAI_API_KEY=sk-from-dotenv-file\n' });
    const before = process.env.OPENAI_API_KEY;
    const s = loadSettings({ dataDir, cwd, env: {} }).settings;
    expect(s.providers.find((p) => p.id === 'openai')?.apiKey).toBe('sk-from-dotenv-file');
    expect(process.env.LYNKR_TEST_ONLY_VAR).toBeUndefined();
    expect(process.env.OPENAI_API_KEY).toBe(before);
  });

  it('--env-file reads the named file, and a missing one is an error', () => {
    const { dataDir, cwd } = setup();
    writeFileSync(join(cwd, 'custom.env'), 'PORT=5555\n');
    expect(loadSettings({ dataDir, cwd, env: {}, flags: { envFile: 'custom.env' } }).settings.server.port).toBe(5555);
    expect(() => loadSettings({ dataDir, cwd, env: {}, flags: { envFile: 'nope.env' } })).toThrow(/no such file: .*nope\.env \(from --env-file\)/);
  });

  it('merges an env key into a provider the file declares', () => {
    const { dataDir, cwd } = setup({ file: { version: 1, providers: [{ id: 'openai', kind: 'openai', apiKey: 'sk-file-key', models: ['gpt-4.1'] }] } });
    const s = loadSettings({ dataDir, cwd, env: { OPENAI_ENDPOINT: 'http://127.0.0.1:9/v1/chat/completions' } }).settings;
    expect(s.providers.find((p) => p.id === 'openai')).toMatchObject({ apiKey: 'sk-file-key', baseUrl: 'http://127.0.0.1:9/v1', models: ['gpt-4.1'] });
  });

  it('adds cloud providers only when their key is set; ollama always exists', () => {
    const { dataDir, cwd } = setup();
    const loaded = loadSettings({ dataDir, cwd, env: { OPENAI_ENDPOINT: 'http://127.0.0.1:9/v1', OPENROUTER_API_KEY: 'sk-or-1' } });
    expect(loaded.settings.providers.map((p) => p.id).sort()).toEqual(['ollama', 'openrouter']);
    expect(loaded.settings.providers.find((p) => p.id === 'ollama')?.baseUrl).toBe('http://localhost:11434');
    expect(loaded.warnings.join('\n')).toMatch(/OPENAI_ENDPOINT set but no API key: the openai provider is not added/);
  });

  it('fills default aliases, tiers and model map from what is configured', () => {
    const { dataDir, cwd } = setup({ file: { version: 1, aliases: { 'chat-fast': { targets: ['openai/gpt-4o-mini'] }, mine: { targets: ['ollama/x'] } }, tiers: { SIMPLE: 'ollama/tiny' } } });
    const s = loadSettings({ dataDir, cwd, env: { OPENAI_API_KEY: 'sk-1', OLLAMA_MODEL: 'qwen3:4b' } }).settings;
    expect(s.aliases['chat-fast'].targets).toEqual(['openai/gpt-4o-mini']); // the user's list
    expect(s.aliases['chat-fast'].description).toMatch(/local model first/); // the default's description kept
    expect(s.aliases['chat-quality'].targets).toEqual(['openai/gpt-4o', 'ollama/qwen3:4b']);
    expect(s.aliases.auto).toMatchObject({ tiered: true, targets: ['ollama/qwen3:4b', 'openai/gpt-4o-mini'] });
    expect(s.aliases.mine.targets).toEqual(['ollama/x']);
    expect(s.tiers).toEqual({ SIMPLE: 'ollama/tiny', MEDIUM: 'ollama/qwen3:4b', COMPLEX: 'openai/gpt-4o', REASONING: 'openai/o4-mini' });
    expect(s.modelMap.map((m) => `${m.pattern}→${m.alias}`)).toEqual([
      'claude-*haiku*→chat-fast', 'claude-*→chat-quality', 'gpt-5*mini*→chat-fast', 'gpt-5*nano*→chat-fast',
      'gpt-5*→chat-quality', 'gpt-6*→chat-quality', 'gpt-4*→chat-quality', 'o[0-9]*→chat-quality',
    ]);
    expect(s.defaultModel).toBe('chat-fast');
  });

  it('chat-fast with every cloud provider keeps local first and a cheap model of each', () => {
    const { dataDir, cwd } = setup();
    const env = { OPENAI_API_KEY: 'a', OPENROUTER_API_KEY: 'b', ANTHROPIC_API_KEY: 'c', GOOGLE_API_KEY: 'd' };
    const s = loadSettings({ dataDir, cwd, env }).settings;
    expect(s.aliases['chat-fast'].targets).toEqual([
      `ollama/${s.ollama.model}`, 'openai/gpt-4o-mini', 'openrouter/openai/gpt-4o-mini', 'anthropic/claude-3-5-haiku-latest', 'gemini/gemini-2.0-flash',
    ]);
    expect(s.aliases['chat-quality'].targets.at(-1)).toBe(`ollama/${s.ollama.model}`);
    expect(s.aliases['chat-quality'].targets).toContain('anthropic/claude-sonnet-4-5');
  });
});

describe('named OpenAI-compatible providers in the settings file', () => {
  it('keeps any number of them next to the env-made ones', () => {
    const { dataDir, cwd } = setup({
      file: {
        version: 1,
        providers: [
          { id: 'groq', kind: 'openai-compatible', baseUrl: 'https://api.groq.com/openai/v1', apiKey: 'gsk-1', models: ['llama-3.3-70b'] },
          { id: 'lan-vllm', kind: 'openai-compatible', baseUrl: 'http://10.0.0.5:8000/v1', models: ['qwen3-32b'], local: true },
        ],
      },
    });
    const s = loadSettings({ dataDir, cwd, env: { OPENAI_API_KEY: 'sk-2' } }).settings;
    expect(s.providers.map((p) => p.id)).toEqual(['groq', 'lan-vllm', 'openai', 'ollama']);
    expect(s.providers[1]).toMatchObject({ local: true, models: ['qwen3-32b'] });
    // A cloud custom provider brings its first model into chat-fast and chat-quality.
    expect(s.aliases['chat-fast'].targets).toContain('groq/llama-3.3-70b');
    expect(s.aliases['chat-fast'].targets).not.toContain('lan-vllm/qwen3-32b');
  });
});

describe('invalid config', () => {
  it('names the key, the reason and the source', () => {
    const { dataDir, cwd } = setup({ file: { version: 1, log: { retentionDays: -1 } }, dotenv: 'SEMANTIC_CACHE_THRESHOLD=1.5\n' });
    let message = '';
    try {
      loadSettings({ dataDir, cwd, env: { PORT: '70000' } });
    } catch (err) {
      expect(err).toBeInstanceOf(SettingsError);
      message = (err as Error).message;
    }
    expect(message).toContain('settings: server.port: Too big: expected number to be <=65535 (from PORT)');
    expect(message).toMatch(/settings: cache\.semantic\.threshold: .*1.* \(from \.env SEMANTIC_CACHE_THRESHOLD\)/);
    expect(message).toMatch(/settings: log\.retentionDays: .* \(from settings\.json\)/);
  });

  it('names a bad provider by id', () => {
    const { dataDir, cwd } = setup({ file: { version: 1, providers: [{ id: 'mine', kind: 'openai-compatible', baseUrl: 'not-a-url' }] } });
    expect(() => loadSettings({ dataDir, cwd, env: {} })).toThrow(/settings: providers\[mine\]\.baseUrl: .* \(from settings\.json\)/);
  });

  it('a flag out of range names the flag', () => {
    const { dataDir, cwd } = setup();
    expect(() => loadSettings({ dataDir, cwd, env: {}, flags: { port: 99999 } })).toThrow(/server\.port: .*\(from --port\)/);
  });

  it('creates the data dir readable by this user only', () => {
    const dataDir = join(tempDir(), 'fresh');
    loadSettings({ dataDir, cwd: tempDir(), env: {} });
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
  });

  it('a malformed settings file stops startup and is left intact', () => {
    const { dataDir, cwd } = setup();
    writeFileSync(join(dataDir, 'settings.json'), '{ "server": ');
    expect(() => loadSettings({ dataDir, cwd, env: {} })).toThrow(/settings\.json is not valid JSON/);
    expect(readFileSync(join(dataDir, 'settings.json'), 'utf8')).toBe('{ "server": ');
  });
});
