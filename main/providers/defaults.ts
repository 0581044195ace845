// Base-URL normalisers: how a user's URL (often Lynkr's full endpoint form) becomes the base an adapter appends
// paths to. Pure string functions; each kind's definition (kinds/) names the one it uses.

/**
 * An OpenAI-family base URL as we use it (ending where `/chat/completions` would be appended). Accepts Lynkr's
 * full form (`…/v1/chat/completions`, `…/v1/embeddings`, `…/v1/models`) and trailing slashes. Query and
 * credentials are kept (an Azure-style `?api-version=` is the caller's business).
 */
export function normalizeOpenAIBaseUrl(url: string): string {
  const u = new URL(url.trim());
  u.pathname = u.pathname.replace(/\/+$/, '').replace(/\/(chat\/completions|completions|embeddings|models|responses)$/, '');
  return u.href.replace(/\/+(?=\?|#|$)/, '');
}

/** LM Studio and llama-server are often given as http://localhost:1234; their OpenAI API lives under /v1. */
export function normalizeLocalOpenAIBaseUrl(url: string): string {
  const normal = normalizeOpenAIBaseUrl(url);
  return new URL(normal).pathname === '/' ? `${normal.replace(/\/$/, '')}/v1` : normal;
}

/** An Ollama base URL: Lynkr accepts `…/api/chat` style forms too; keep only scheme, host and port (+ prefix). */
export function normalizeOllamaBaseUrl(url: string): string {
  const u = new URL(url.trim());
  u.pathname = u.pathname.replace(/\/+$/, '').replace(/\/api(\/.*)?$/, '').replace(/\/v1$/, '');
  u.search = '';
  return u.href.replace(/\/+$/, '');
}
