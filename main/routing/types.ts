// What routing offers the rest of the app: the modes, aliases as shown, what a mode or the installed Ollama models
// leave unserved, and each provider's breaker and health. Types only, with no imports: the window imports them
// (through admin/contract.ts) and type-checks them without Node's types.

/** Which targets a mode allows: local providers only, cloud only, or both (catalog.ts, modeAllows). */
export type Mode = 'local' | 'cloud' | 'auto';

export interface AliasView {
  name: string;
  description: string;
  tiered: boolean;
  /** All targets in order, with whether the current mode allows each. */
  targets: { label: string; locality: 'local' | 'cloud'; allowed: boolean }[];
  /** The alias's own targets as saved (for a tiered alias, `targets` lists the tier targets first). */
  ownTargets?: string[];
}

/** One provider's circuit breaker (breaker.ts), as the admin API, the window and the CLI show it. */
export interface BreakerView {
  state: 'closed' | 'open' | 'half-open';
  consecutiveFailures: number;
  lastError?: string;
  /** Epoch ms when an open breaker lets a probe through. */
  retryAt?: number;
}

/** A provider's health, derived in one place (health.ts) and shown in the same words everywhere. */
export interface ProviderHealth {
  state: 'up' | 'down' | 'cooling down' | 'disabled';
  /** Why it is down, or how its cool-down ends; '' when there is nothing to add. */
  detail: string;
  /** Whether reachability was probed (local providers); a cloud provider's health comes from its requests. */
  checked: boolean;
  /** Epoch ms of the next try of a cooling-down provider. */
  retryAt?: number;
}

/** An alias the mode leaves without any target, and the gateway's own words for it (the 503 it would send). */
export interface UnroutedAlias {
  alias: string;
  message: string;
}

/** A model that an alias, a tier or the default model names, which its (running) Ollama does not have. */
export interface MissingModel {
  provider: string;
  model: string;
  /** Aliases, `tier SIMPLE`, `default model`. */
  usedBy: string[];
  /** e.g. `ollama pull qwen2.5-coder:7b` */
  pullCommand: string;
}
