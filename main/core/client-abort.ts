/**
 * The client's side of one request: aborted when the client goes away. Its AbortSignal is made only when something
 * asks for it. Answers served from the cache never do, and on Node 20 an AbortController with its listener is a
 * visible share of a cache hit's cost.
 */
export class ClientAbort {
  private controller: AbortController | undefined;
  private reason: unknown;
  private done = false;

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.done) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  get aborted(): boolean {
    return this.done;
  }

  abort(reason: unknown): void {
    if (this.done) return;
    this.done = true;
    this.reason = reason;
    this.controller?.abort(reason);
  }
}
