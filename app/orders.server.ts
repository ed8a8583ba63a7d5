// Process-wide orders/create dependencies. Only the clock that dates a received order: the demo moves
// it through its days as it moves /track's, so a verified purchase lands on the day it simulates. On
// globalThis because the demo's modules and the Vite-served app's are separate module instances.
export interface OrderDeps {
  now(): number;
}

declare global {
  var __abtOrders: OrderDeps | undefined;
}

export function getOrderDeps(): OrderDeps {
  globalThis.__abtOrders ??= { now: () => Date.now() };
  return globalThis.__abtOrders;
}
