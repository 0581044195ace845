import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { composeOverride, endpointName, LIBRECHAT_CONFIG_VERSION, librechatYaml, NO_KEY_PLACEHOLDER } from '../../main/admin/librechat.js';
import { libreChatSetup, registerLibreChatRoutes } from '../../main/admin/routes/librechat.js';
import type { AdminDeps } from '../../main/admin/deps.js';
import type { LibreChatSetup } from '../../main/admin/contract.js';
import { settingsSchema, type SettingsInput } from '../../main/settings/schema.js';

interface CustomEndpoint {
  name: string;
  apiKey: string;
  baseURL: string;
  models: { default: string[]; fetch: boolean };
  titleConvo: boolean;
  titleModel: string;
  modelDisplayLabel: string;
  headers: Record<string, string>;
}
const entry = (yaml: string): CustomEndpoint => {
  const doc = parse(yaml) as { endpoints: { custom: CustomEndpoint[] } };
  expect(doc.endpoints.custom).toHaveLength(1);
  return doc.endpoints.custom[0];
};

describe('librechatYaml', () => {
  it('emits a custom endpoint entry that parses, with fetch, titles and the aliases', () => {
    const e = entry(
      librechatYaml({
        baseUrl: 'http://host.docker.internal:8081/v1',
        apiKey: '${LYNKR_API_KEY}',
        aliases: ['chat-fast', 'chat-smart', 'code'],
        titleModel: 'chat-fast',
      }),
    );
    expect(e).toEqual({
      name: 'Lynkr',
      apiKey: '${LYNKR_API_KEY}',
      baseURL: 'http://host.docker.internal:8081/v1',
      models: { default: ['chat-fast', 'chat-smart', 'code'], fetch: true },
      titleConvo: true,
      titleModel: 'chat-fast',
      modelDisplayLabel: 'Lynkr',
      headers: { 'X-Lynkr-Client': 'librechat' },
    });
  });

  it('is a complete librechat.yaml: the version LibreChat\'s schema requires, then the endpoint', () => {
    const doc = parse(librechatYaml({ baseUrl: 'http://localhost:8081/v1', aliases: ['a'], titleModel: 'a' })) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(['version', 'endpoints']);
    expect(doc.version).toBe(LIBRECHAT_CONFIG_VERSION);
    expect(LIBRECHAT_CONFIG_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('uses a non-empty placeholder key when none is needed, so LibreChat still fetches /models', () => {
    const e = entry(librechatYaml({ baseUrl: 'http://localhost:8081/v1', aliases: ['a'], titleModel: 'a' }));
    expect(e.apiKey).toBe(NO_KEY_PLACEHOLDER);
    expect(entry(librechatYaml({ baseUrl: 'x', apiKey: 'user_provided', aliases: ['a'], titleModel: 'a' })).apiKey).toBe(
      'user_provided',
    );
  });

  it('never lets the name start with "ollama" and survives awkward strings', () => {
    expect(endpointName('Ollama local')).toBe('Lynkr Ollama local');
    expect(endpointName('  ')).toBe('Lynkr');
    const e = entry(
      librechatYaml({ baseUrl: 'http://h/v1', aliases: ['a: b', '#x', 'q"uote'], titleModel: "it's", name: 'ollama' }),
    );
    expect(e.name.toLowerCase().startsWith('ollama')).toBe(false);
    expect(e.models.default).toEqual(['a: b', '#x', 'q"uote']);
    expect(e.titleModel).toBe("it's");
  });

  it('falls back to the title model when there are no aliases (models.default needs one)', () => {
    expect(entry(librechatYaml({ baseUrl: 'u', aliases: [], titleModel: 'chat-fast' })).models.default).toEqual([
      'chat-fast',
    ]);
  });
});

describe('composeOverride', () => {
  it('adds host-gateway to services.api and mounts librechat.yaml', () => {
    const doc = parse(composeOverride()) as {
      services: { api: { extra_hosts: string[]; volumes: { type: string; source: string; target: string }[] } };
    };
    expect(doc.services.api.extra_hosts).toEqual(['host.docker.internal:host-gateway']);
    expect(doc.services.api.volumes).toEqual([{ type: 'bind', source: './librechat.yaml', target: '/app/librechat.yaml' }]);
  });
});

const settings = (input: SettingsInput) => settingsSchema.parse(input);

describe('libreChatSetup', () => {
  it('loopback only: host URL in the yaml, placeholder key, both URLs reported', () => {
    const s = libreChatSetup(
      settings({ aliases: { 'chat-fast': {}, 'chat-smart': {} }, defaultModel: 'chat-smart' }),
      9123,
      undefined,
    );
    expect(s.baseUrl).toBe('http://localhost:9123/v1');
    expect(s.dockerBaseUrl).toBe('http://host.docker.internal:9123/v1');
    expect(s.allowDocker).toBe(false);
    expect('librechatSeenAt' in s).toBe(false);
    const e = entry(s.yaml);
    expect(e.baseURL).toBe('http://localhost:9123/v1');
    expect(e.apiKey).toBe(NO_KEY_PLACEHOLDER);
    expect(e.titleModel).toBe('chat-smart');
    expect(e.models.default).toEqual(['chat-fast', 'chat-smart']);
  });

  it('allowDocker: docker URL and ${LYNKR_API_KEY}, never the plaintext key', () => {
    const key = 'sk-gateway-secret-0123456789';
    const s = libreChatSetup(
      settings({ server: { allowDocker: true, apiKey: key }, aliases: { code: {} }, defaultModel: 'nope' }),
      8081,
      1234,
    );
    const e = entry(s.yaml);
    expect(e.baseURL).toBe('http://host.docker.internal:8081/v1');
    expect(e.apiKey).toBe('${LYNKR_API_KEY}');
    expect(e.titleModel).toBe('code');
    expect(s.librechatSeenAt).toBe(1234);
    expect(JSON.stringify(s)).not.toContain(key);
  });
});

describe('GET /admin/librechat', () => {
  it('serves LibreChatSetup from the live settings, port and request log', async () => {
    let current = settings({ aliases: { 'chat-fast': {} } });
    let seen: number | undefined;
    const deps = {
      settings: { get: () => current },
      server: { info: () => ({ port: 8181, listening: [], startedAt: 0 }) },
      requests: { librechatSeenAt: () => seen },
    } as unknown as AdminDeps;
    const router = express.Router();
    registerLibreChatRoutes(router, deps);
    const app = express().use('/admin', router);
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/admin/librechat`;
    try {
      const first = await fetch(url);
      expect(first.status).toBe(200);
      const a = (await first.json()) as LibreChatSetup;
      expect(a.baseUrl).toBe('http://localhost:8181/v1');
      expect(a.librechatSeenAt).toBeUndefined();
      current = settings({ server: { allowDocker: true }, aliases: { 'chat-fast': {} } });
      seen = 42;
      const b = (await (await fetch(url)).json()) as LibreChatSetup;
      expect(b.allowDocker).toBe(true);
      expect(b.librechatSeenAt).toBe(42);
      expect(entry(b.yaml).apiKey).toBe('${LYNKR_API_KEY}');
    } finally {
      server.close();
    }
  });
});
