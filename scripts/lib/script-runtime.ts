// Shared start-up for operator scripts (bun): .env, the database (DATABASE_URL or the embedded one,
// migrated), the Prisma client, and ✓/✗ reporting in the style of umami's check-db.
import fs from "node:fs";
import { parseArgs, type ParseArgsConfig } from "node:util";
import type { PrismaClient } from "@prisma/client";
import { prepareDatabase, type PreparedDatabase } from "../../app/services/database/prepare-database";

export interface ScriptContext {
  prisma: PrismaClient;
  database: PreparedDatabase;
}

/** Parses `--flags` (strict); `--help` prints `help`, an unknown flag prints it and exits 2. */
export function parseFlags<T extends NonNullable<ParseArgsConfig["options"]>>(options: T, help: string, args = process.argv.slice(2)) {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({ args, options: { ...options, help: { type: "boolean", short: "h" } }, allowPositionals: false, strict: true }).values;
  } catch (error) {
    console.error(`✗ ${(error as Error).message}\n\n${help}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(help);
    process.exit(0);
  }
  return values as ReturnType<typeof parseArgs<{ options: T; strict: true }>>["values"];
}

export async function startScript(): Promise<ScriptContext> {
  if (fs.existsSync(".env")) process.loadEnvFile(".env");
  const database = await prepareDatabase();
  const { default: prisma } = await import("../../app/db.server");
  return { prisma, database };
}

export async function finishScript(context: ScriptContext, failures: number): Promise<never> {
  await context.prisma.$disconnect();
  await context.database.stop();
  process.exit(failures > 0 ? 1 : 0);
}

export const ok = (message: string) => console.log(`✓ ${message}`);
export const fail = (message: string) => console.log(`✗ ${message}`);
