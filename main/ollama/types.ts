// What the Ollama manager offers: the status it finds, pull progress, and the live service (manager.ts implements
// OllamaManager). Types only, with no imports: the window imports them (through admin/contract.ts) and
// type-checks them without Node's types.

export interface OllamaStatus {
  state: 'running' | 'installed-stopped' | 'absent';
  endpoint: string;
  version?: string;
  binaryPath?: string;
  models: { name: string; sizeBytes?: number }[];
  /** Suggested small coding models when no chat model is installed. */
  suggestions: string[];
  /** How to install Ollama, when it is absent. */
  installHint?: string;
  checkedAt: number;
}

export interface PullProgress {
  status: string;
  completed?: number;
  total?: number;
  done?: boolean;
  error?: string;
}

export interface OllamaManager {
  status(refresh?: boolean): Promise<OllamaStatus>;
  start(): Promise<OllamaStatus>;
  pull(model: string, signal: AbortSignal, onProgress: (p: PullProgress) => void): Promise<void>;
}
