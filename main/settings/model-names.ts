// What a model's name says it is, for the places that have only names: a provider's configured model list, the
// defaults built from it, and a cloud catalogue's /models (which has no kind). A provider that reports what each
// model does (Ollama's /api/show capabilities, ModelInfo.kind) is believed over the name wherever it was asked.

/**
 * Names of models that are not chat models: embeddings (OpenAI `text-embedding-3-small`, `nomic-embed-text`,
 * `mistral-embed`, `gemini-embedding-001`, sentence-transformers' `all-MiniLM-L6-v2`, BAAI's `bge-m3`), speech,
 * transcription, images, moderation, rerankers.
 */
const NOT_CHAT = /embed|minilm|(^|[^a-z])bge[^a-z]|whisper|(^|[^a-z])tts|transcribe|dall-e|gpt-image|moderation|rerank/i;

export const namedAsNonChat = (model: string): boolean => NOT_CHAT.test(model);

/** The first of `models` whose name does not say it is something other than a chat model. */
export const firstChatNamed = (models: readonly string[] | undefined): string | undefined => models?.find((m) => !namedAsNonChat(m));
