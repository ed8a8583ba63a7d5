// Counts failures by kind and logs one line per kind and interval, not one per request: during an
// outage /track refuses thousands of requests a second, and a line for each would bury the cause
// (and cost more than the refusal itself). The first failure after a quiet interval is logged at
// once, so the start of an outage is visible without waiting for the interval.
export interface FailureSummary {
  record(kind: string, error: unknown): void;
  /** Logs and resets the counts now (the timer does this every interval). */
  flush(): void;
  stop(): void;
}

export interface FailureSummaryOptions {
  intervalMs?: number;
  log?: (line: string) => void;
}

export function createFailureSummary(options: FailureSummaryOptions = {}): FailureSummary {
  const { intervalMs = 10_000 } = options;
  const log = options.log ?? ((line: string) => console.error(line));
  const counts = new Map<string, { n: number; lastError: string }>();
  let timer: ReturnType<typeof setInterval> | undefined;

  /** Logs the counts since the last report; true when there were any. */
  function report(): boolean {
    let any = false;
    for (const [kind, { n, lastError }] of counts) {
      if (n === 0) continue;
      any = true;
      log(JSON.stringify({ event: kind, n, intervalMs, lastError }));
    }
    counts.clear();
    return any;
  }

  // An interval with nothing new stops the timer, so the next failure is again logged at once.
  function tick() {
    if (!report()) stop();
  }

  function stop() {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  }

  return {
    record(kind, error) {
      const message = error instanceof Error ? error.message : String(error);
      const entry = counts.get(kind);
      if (entry) {
        entry.n++;
        entry.lastError = message;
        return;
      }
      if (timer === undefined) {
        log(JSON.stringify({ event: kind, n: 1, first: true, lastError: message }));
        counts.set(kind, { n: 0, lastError: message });
        timer = setInterval(tick, intervalMs);
        timer.unref?.();
      } else counts.set(kind, { n: 1, lastError: message });
    },
    flush: () => void report(),
    stop,
  };
}
