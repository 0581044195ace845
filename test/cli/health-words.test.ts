// `lynkr status`, `lynkr providers` and the start-up line speak the health model's words (routing/health.ts) and
// name each model the routes need that Ollama lacks, with the exact `ollama pull`.
import { describe, expect, it } from 'vitest';
import type { ProviderView, StatusResponse } from '../../main/admin/contract.js';
import { formatProviders, formatStatus, startLine } from '../../main/cli/format.js';
import { providerHealth } from '../../main/routing/health.js';

const missing = [{ provider: 'ollama', model: 'qwen2.5-coder:7b', usedBy: ['chat-fast', 'auto'], pullCommand: 'ollama pull qwen2.5-coder:7b' }];

const provider = (over: Partial<ProviderView>): ProviderView => ({
  id: 'ollama',
  kind: 'ollama',
  enabled: true,
  locality: 'local',
  models: [],
  breaker: { state: 'closed', consecutiveFailures: 0 },
  ...over,
});

const status = (over: Partial<StatusResponse>): StatusResponse => ({
  service: 'lynkr-desktop',
  version: '1.0.0',
  baseUrl: 'http://localhost:8081/v1',
  dockerBaseUrl: 'http://host.docker.internal:8081/v1',
  port: 8081,
  listening: ['127.0.0.1:8081'],
  mode: 'auto',
  allowDocker: false,
  uptimeMs: 1000,
  requestsToday: 0,
  providers: [],
  ollama: { state: 'absent', endpoint: 'http://localhost:11434', models: [], suggestions: [], checkedAt: 0 },
  cache: { exact: true, semantic: false },
  warnings: [],
  pinned: {},
  ...over,
});

describe('health in the same words', () => {
  it('derives up, down and cooling down from reachability and the breaker', () => {
    const closed = { state: 'closed', consecutiveFailures: 0 } as const;
    expect(providerHealth(true, closed, { reachable: true }).state).toBe('up');
    expect(providerHealth(true, closed, { reachable: false, error: 'refused' })).toMatchObject({ state: 'down', detail: 'refused', checked: true });
    expect(providerHealth(true, { state: 'open', consecutiveFailures: 5, retryAt: 9 }, { reachable: true })).toMatchObject({ state: 'cooling down', retryAt: 9 });
    expect(providerHealth(true, { state: 'half-open', consecutiveFailures: 5 }).detail).toContain('the next request tries it');
    expect(providerHealth(false, closed, { reachable: false }).state).toBe('disabled');
  });

  it('lynkr status: Ollama absent is down in both rows, never "absent" beside "ok"', () => {
    const down = providerHealth(true, { state: 'closed', consecutiveFailures: 0 }, { reachable: false, error: 'ollama refused the connection (ECONNREFUSED)' });
    const text = formatStatus(status({ providers: [provider({ health: down })] }));
    expect(text).toContain('ollama       down: not installed at http://localhost:11434');
    expect(text).toContain('providers    ollama (local, down: ollama refused the connection (ECONNREFUSED))');
    expect(text).not.toMatch(/absent|\bok\b|closed/);
  });

  it('lynkr status and the start-up line name a missing model with its ollama pull', () => {
    const text = formatStatus(
      status({
        ollama: { state: 'running', endpoint: 'http://localhost:11434', version: '0.12.6', models: [{ name: 'llama3.2:3b' }], suggestions: [], checkedAt: 0 },
        missingModels: missing,
        ollamaModel: { name: 'qwen2.5-coder:7b', chosenBy: 'user' },
      }),
    );
    expect(text).toContain('ollama       up (0.12.6) at http://localhost:11434 · 1 model · aliases use qwen2.5-coder:7b (your choice)');
    expect(text).toContain('missing      model qwen2.5-coder:7b (chat-fast, auto) is not installed in ollama: ollama pull qwen2.5-coder:7b');
    const line = startLine({ baseUrl: 'b', dockerBaseUrl: 'd', uiUrl: 'u', reachable: ['ollama'], missingModels: missing });
    expect(line.split('\n')).toEqual([
      'Lynkr gateway on b (Docker: d) · providers up: ollama · dashboard: u',
      'model qwen2.5-coder:7b (chat-fast, auto) is not installed in ollama: ollama pull qwen2.5-coder:7b',
    ]);
  });

  it('lynkr providers: the HEALTH column (derived from the breaker for a gateway that sends no health)', () => {
    const lines = formatProviders([provider({ breaker: { state: 'open', consecutiveFailures: 3, lastError: 'upstream_connect 502: refused' } })]).split('\n');
    expect(lines[0]).toMatch(/HEALTH/);
    expect(lines[1]).toContain('cooling down: 3 failures, skipped until its cool-down ends: upstream_connect 502: refused');
  });
});

describe('what chat clients read', () => {
  it("keeps Ollama's default address (the same on every machine, and where to start it); hides every other", async () => {
    const { hideAddresses } = await import('../../main/server/public-error.js');
    const text = 'ollama (http://localhost:11434) refused the connection (ECONNREFUSED): Ollama is not running at http://localhost:11434. Start it';
    expect(hideAddresses(text)).toBe('ollama refused the connection (ECONNREFUSED): Ollama is not running at http://localhost:11434. Start it');
    expect(hideAddresses('Ollama is not running at http://10.0.0.5:11434. Start it')).toBe('Ollama is not running at [address]. Start it');
  });
});

describe('the tray status line', () => {
  it('names the missing model with its ollama pull, from /admin/status', async () => {
    const { statusLine, trayStateFrom } = await import('../../main/desktop/tray-model.js');
    const st = { mode: 'auto' as const, port: 8081, requestsToday: 2, ollama: { state: 'running' }, missingModels: missing };
    const line = statusLine(trayStateFrom({ phase: 'running', port: 8081, status: st, startAtLogin: false, update: 'idle' }));
    expect(line).toBe('Gateway on :8081 · auto · Ollama up · model missing: ollama pull qwen2.5-coder:7b · 2 requests today');
  });
});
