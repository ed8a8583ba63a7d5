/**
 * Maps `items` through `fn` with at most `concurrency` calls in flight, keeping result order.
 * Bounded so that listing thousands of sidecars or deleting a shop's thousands of objects does
 * not exhaust file descriptors or sockets. After the first failure no new calls start; the ones
 * in flight are awaited (so nothing keeps running behind the caller's back) and the first error
 * is thrown.
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>
): Promise<R[]> {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  }
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;

  async function runWorker(): Promise<void> {
    while (failure === undefined && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  }

  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, runWorker));
  if (failure !== undefined) throw failure.error;
  return results;
}
