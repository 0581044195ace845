/** Retry-After is whole seconds; round up so clients never retry before we said. At least 1. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
