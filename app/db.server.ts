import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import { getEnv } from "./env.server";

export function createPrismaClient(databaseUrl: string, poolSize = 10): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max: poolSize }) });
}

declare global {
  // Survives Vite's module reloads in development, as in Shopify's app template.
  var __abtPrisma: PrismaClient | undefined;
}

function getPrisma(): PrismaClient {
  globalThis.__abtPrisma ??= createPrismaClient(getEnv().DATABASE_URL);
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
