// Which app sent a request, for the request log's Client column: from the User-Agent as the gateway records it
// (server/chat-handler.ts clientLabel appends an `X-Lynkr-Client` header's value as ` (name)`). Pure.
//
// The user agents, as the clients build them:
// - Claude Code: `claude-cli/<version> (external, cli[, agent-sdk/…][, client-app/…])` (the CLI's bundled source).
// - Codex: `<originator>/<version> (<os> <os version>; <arch>) <terminal>`, originator `codex_cli_rs`, `codex_exec`,
//   `codex-tui` or `codex_vscode` (codex-rs core/src/default_client.rs, get_codex_user_agent).
// - OpenAI JS SDK: `${client class name}/JS <version>` (openai/client.js getUserAgent), so `OpenAI/JS 6.49.0` or
//   `AzureOpenAI/JS …`; LibreChat's agents (@librechat/agents → @langchain/openai) send exactly this, so LibreChat
//   is recognised by the `X-Lynkr-Client: librechat` header in the yaml we generate, or by its Azure suffix
//   `: librechat-azure-openai-v2`.
// - Anthropic SDKs: `Anthropic/JS <version>`, `Anthropic/Python <version>`; OpenAI Python: `OpenAI/Python <version>`.
// - ollama-js: `ollama-js/<version> (<arch> <platform> Node.js/<version>)`.

const MAX_NAME = 40;

/** Known apps and libraries, first match wins: apps before the SDKs they are built on. */
const KNOWN: [pattern: RegExp, name: string][] = [
  [/librechat/i, 'LibreChat'],
  [/^claude-cli\//i, 'Claude Code'],
  [/^claude-code\b/i, 'Claude Code'],
  [/^codex[_-]/i, 'Codex'],
  [/open-?webui/i, 'Open WebUI'],
  [/^continue\b/i, 'Continue'],
  [/^cursor\b/i, 'Cursor'],
  [/^aider\b/i, 'Aider'],
  [/litellm/i, 'LiteLLM'],
  [/langchain/i, 'LangChain'],
  [/^(?:Azure)?OpenAI\/JS\b/, 'OpenAI SDK (JS)'],
  [/^(?:Azure)?OpenAI\/Python\b/, 'OpenAI SDK (Python)'],
  [/^Anthropic\/JS\b/, 'Anthropic SDK (JS)'],
  [/^Anthropic\/Python\b/, 'Anthropic SDK (Python)'],
  [/^ollama-js\//i, 'Ollama JS'],
  [/^ollama-python\//i, 'Ollama Python'],
  [/^curl\//i, 'curl'],
  [/^Wget\//i, 'wget'],
  [/^HTTPie\//i, 'HTTPie'],
  [/^python-requests\//i, 'Python requests'],
  [/^python-httpx\//i, 'Python httpx'],
  [/aiohttp\//i, 'Python aiohttp'],
  [/^(?:node|undici)$/i, 'Node.js fetch'],
  [/^node-fetch\b/i, 'Node.js fetch'],
  [/^axios\//i, 'axios'],
  [/^Go-http-client\//i, 'Go'],
  [/^PostmanRuntime\//i, 'Postman'],
  [/^Mozilla\/5\.0\b/, 'Browser'],
];

/**
 * The value of an `X-Lynkr-Client` header as clientLabel appended it: words at the end, in parentheses. Agents'
 * own comments have `;`, `,` or `/` in them (`(external, cli)`, `(x64 linux Node.js/v20.11.0)`), names don't.
 */
const CLIENT_TAG = / \(([A-Za-z0-9][\w .-]*)\)$/;

function known(text: string): string | undefined {
  for (const [pattern, name] of KNOWN) if (pattern.test(text)) return name;
  return undefined;
}

/**
 * The app's readable name, e.g. `Claude Code`, `Codex`, `LibreChat`, `OpenAI SDK (JS)`, `curl`; a name the client
 * gave itself in `X-Lynkr-Client`; for an unknown agent, its product token (`MyTool/1.2` → `MyTool`); undefined
 * without a User-Agent.
 */
export function detectClient(userAgent: string | undefined): string | undefined {
  const ua = userAgent?.trim();
  if (!ua) return undefined;
  // A name the client gave itself wins over its library's User-Agent (`OpenAI/JS 6.1.0 (my-agent)`).
  const tag = CLIENT_TAG.exec(ua)?.[1].trim();
  if (tag) return known(tag) ?? tag.slice(0, MAX_NAME);
  return known(ua) ?? (ua.split(/[\s/]/, 1)[0].slice(0, MAX_NAME) || undefined);
}
