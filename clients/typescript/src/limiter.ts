/**
 * A strict sliding-window budget per API key and operation (the contract's `x-rate-limit`): at most
 * `limit` requests in any window. Bitget counts arrivals; a permit is reused only a window (plus a
 * margin) after its answer came, which is after its arrival, so no window ever holds more than `limit`.
 * One limiter per key and operation for the whole process: every client of a key shares it.
 */
export interface Permit {
  release(): void;
}

export class SlidingWindowLimiter {
  readonly limit: number;
  readonly windowMs: number;
  readonly marginMs: number;
  private held = 0;
  private cooling: number[] = []; // when released permits may be used again (performance.now(), ascending)
  private wakers: (() => void)[] = [];

  constructor(limit: number, windowMs: number, marginMs = 5) {
    this.limit = limit;
    this.windowMs = windowMs;
    this.marginMs = marginMs;
  }

  /** A permit, as soon as the window allows; rejects with the signal's reason if it aborts first. */
  async acquire(signal?: AbortSignal): Promise<Permit> {
    if (this.limit <= 0) return { release() {} };
    for (;;) {
      signal?.throwIfAborted();
      const now = performance.now();
      while (this.cooling.length && this.cooling[0]! <= now) this.cooling.shift();
      if (this.held + this.cooling.length < this.limit) {
        this.held += 1;
        let released = false;
        return {
          release: () => {
            if (released) return;
            released = true;
            this.held -= 1;
            this.cooling.push(performance.now() + this.windowMs + this.marginMs);
            this.wake();
          },
        };
      }
      const until = this.cooling.length ? this.cooling[0]! - now : undefined;
      await new Promise<void>((resolve, reject) => {
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", aborted);
          resolve();
        };
        const aborted = () => {
          clearTimeout(timer);
          reject(signal?.reason);
        };
        const timer = until === undefined ? undefined : setTimeout(done, Math.max(1, until));
        this.wakers.push(done);
        signal?.addEventListener("abort", aborted, { once: true });
      });
    }
  }

  private wake(): void {
    const wakers = this.wakers;
    this.wakers = [];
    for (const w of wakers) w();
  }
}

const shared = new Map<string, SlidingWindowLimiter>();

/** The process-wide limiter of one key and operation (created on first use). */
export function sharedLimiter(key: string, limit: number, windowMs: number): SlidingWindowLimiter {
  const name = `${key}\u0000${limit}\u0000${windowMs}`;
  let limiter = shared.get(name);
  if (!limiter) {
    limiter = new SlidingWindowLimiter(limit, windowMs);
    shared.set(name, limiter);
  }
  return limiter;
}
