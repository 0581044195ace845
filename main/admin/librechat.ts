// Pure generators for the LibreChat setup snippets shown in the window and by `GET /admin/librechat`.
// Hand-written YAML (no dependency): every scalar we emit is a JSON string, which is valid double-quoted YAML.

export type LibreChatApiKey = 'user_provided' | '${LYNKR_API_KEY}';

export interface LibreChatYamlInput {
  /** Base URL LibreChat appends `/chat/completions` to; must end in /v1. */
  baseUrl: string;
  /** Omitted: the gateway needs no key from this peer, so any non-empty value works (LibreChat skips
   *  `models.fetch` when the key is empty). */
  apiKey?: LibreChatApiKey;
  aliases: string[];
  titleModel: string;
  /** Endpoint name. LibreChat treats names starting with "ollama" specially (it calls /api/tags). */
  name?: string;
}

/** Placeholder key for a gateway that accepts loopback requests without one. */
export const NO_KEY_PLACEHOLDER = 'lynkr-local';

const q = (s: string): string => JSON.stringify(s);

/** A request header naming the client; our LibreChat entry sets it (LibreChat's own User-Agent is the SDK's). */
export const CLIENT_HEADER = 'X-Lynkr-Client';

/**
 * librechat.yaml's `version`: LibreChat's schema requires it (any string), and LibreChat logs "Outdated Config
 * version" when it differs from its own `Constants.CONFIG_VERSION` (1.3.17 in librechat-data-provider 0.8.524,
 * the version the conformance suite pins and checks this against).
 */
export const LIBRECHAT_CONFIG_VERSION = '1.3.17';

/** A safe endpoint name: never empty and never starting with "ollama". */
export function endpointName(name: string | undefined): string {
  const n = (name ?? '').trim() || 'Lynkr';
  return /^ollama/i.test(n) ? `Lynkr ${n}` : n;
}

/**
 * A complete librechat.yaml holding our `endpoints.custom[]` entry. To merge it into an existing file, the entry
 * (from `- name:` on) goes under that file's `endpoints.custom` list; its own `version` stays.
 */
export function librechatYaml(input: LibreChatYamlInput): string {
  const name = endpointName(input.name);
  const models = input.aliases.length > 0 ? input.aliases : [input.titleModel];
  const keyComment =
    input.apiKey === '${LYNKR_API_KEY}'
      ? '  # set LYNKR_API_KEY in LibreChat\'s .env to the gateway key'
      : input.apiKey === 'user_provided'
        ? '  # each user enters the gateway key in LibreChat'
        : '  # any value: the gateway needs no key from this machine';
  return [
    '# Lynkr Desktop: a complete librechat.yaml. Already have one? Copy the "- name:" entry below into its',
    '# endpoints.custom list, and keep your own version line.',
    `version: ${q(LIBRECHAT_CONFIG_VERSION)}`,
    'endpoints:',
    '  custom:',
    `    - name: ${q(name)}`,
    `      apiKey: ${q(input.apiKey ?? NO_KEY_PLACEHOLDER)}${keyComment}`,
    `      baseURL: ${q(input.baseUrl)}`,
    '      models:',
    '        default:',
    ...models.map((m) => `          - ${q(m)}`),
    '        fetch: true',
    '      titleConvo: true',
    `      titleModel: ${q(input.titleModel)}`,
    `      modelDisplayLabel: ${q(name)}`,
    '      headers:',
    `        ${CLIENT_HEADER}: "librechat"  # shows LibreChat as connected in the window and the request log`,
    '',
  ].join('\n');
}

/** `docker-compose.override.yml` for LibreChat's compose project: reach the host and mount librechat.yaml. */
export function composeOverride(): string {
  return [
    '# docker-compose.override.yml next to LibreChat\'s docker-compose.yml',
    'services:',
    '  api:',
    '    extra_hosts:',
    '      - "host.docker.internal:host-gateway"',
    '    volumes:',
    '      - type: bind',
    '        source: ./librechat.yaml',
    '        target: /app/librechat.yaml',
    '',
  ].join('\n');
}
