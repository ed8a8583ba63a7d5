import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import { getEnv } from "./env.server";

/**
 * Bounds on Prisma's pool, so an admin page or webhook facing a dead or frozen database fails in
 * seconds instead of hanging: connecting (or waiting for a pooled connection), and a transaction left
 * idle by a crashed handler. No statement timeout: exports and backfills run long statements by design.
 */
export function createPrismaClient(databaseUrl: string, poolSize = 10, options: { throughPooler?: boolean } = {}): PrismaClient {
  return new PrismaClient({
    adapter: new PrismaPg({
      connectionString: databaseUrl,
      max: poolSize,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      // A startup parameter, which transaction poolers (the DIRECT_URL setups) may refuse.
      ...(options.throughPooler ? {} : { idle_in_transaction_session_timeout: 60_000 }),
    }),
  });
}

declare global {
  // Survives Vite's module reloads in development, as in Shopify's app template.
  var __abtPrisma: PrismaClient | undefined;
}

function getPrisma(): PrismaClient {
  globalThis.__abtPrisma ??= createPrismaClient(getEnv().DATABASE_URL, 10, { throughPooler: Boolean(getEnv().DIRECT_URL) });
  return globalThis.__abtPrisma;
}

/** The process-wide client, created on first use so scripts can prepare DATABASE_URL first. */
const prisma = new Proxy({} as PrismaClient, {
  get(_target, property) {
    const client = getPrisma();
    const value = Reflect.get(client, property, client);
    return typeof value === "function" ? value.bind(client) : value;
  },
});

export default prisma;
