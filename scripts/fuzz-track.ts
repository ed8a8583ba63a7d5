// `npm run fuzz:track`: ≥ 10,000 hostile POST /track bodies (tests/support/track-fuzz.ts) aimed at a
// valid shop and its ACTIVE test with a shopper's user agent, sent over loopback HTTP to the real app
// server while another shop's valid pixel traffic runs. A fresh database on the local Postgres
// (BENCH_DATABASE_URL / TEST_DATABASE_URL, else 127.0.0.1:5432), dropped afterwards. Prints the counts,
// one ✓/✗ line per invariant, and exits non-zero when one fails. FUZZ_CASES and FUZZ_SEED override
// the defaults; the run is bounded by the case count.
import { createBenchDatabase } from "../bench/lib/bench-database";

const CASES = Math.max(10_000, Number(process.env.FUZZ_CASES ?? 10_000));
const SEED = Number(process.env.FUZZ_SEED ?? 20261208);

const database = await createBenchDatabase("abt_fuzz_track");
process.env.DATABASE_URL = database.url;
// Loopback stands for the proxy in front of the app: each request's X-Forwarded-For names its client.
process.env.TRUSTED_PROXIES = "127.0.0.1, ::1";
process.env.NODE_ENV = "development";
const { default: prisma } = await import("../app/db.server");
const { startAppServer } = await import("./lib/app-server");
const { checkStored, runTrackFuzz } = await import("../tests/support/track-fuzz");

async function seedShop(name: string, productId: string) {
  const shopId = `fuzz-${name}`;
  const shop = `${name}.myshopify.com`;
  await prisma.$executeRaw`INSERT INTO "ShopCredential" (id, "shopDomain", "myshopifyDomain", "apiKey", "updatedAt") VALUES (${shopId}, ${shop}, ${shop}, 'fuzz', now())`;
  const testId = `fuzz-test-${name}`;
  await prisma.$executeRaw`
    INSERT INTO "ABTest" (id, "shopId", "productId", name, status, "trafficSplit", "controlImages", "treatmentImages", "startedAt", "updatedAt")
    VALUES (${testId}, ${shopId}, ${`gid://shopify/Product/${productId}`}, 'fuzz', 'ACTIVE', 50, '[]', '[]', now(), now())`;
  return { shopId, testId, shop };
}

let failures = 0;
const step = (ok: boolean, message: string) => {
  if (!ok) failures++;
  console.log(`${ok ? "✓" : "✗"} ${message}`);
};

const server = await startAppServer({ mode: "development", port: 0 });
try {
  const targetShop = await seedShop("fuzz-target", "111");
  const otherShop = await seedShop("fuzz-other", "7001");
  const target = { url: server.url, shop: targetShop.shop, testId: targetShop.testId, productId: "111", trafficSplit: 50 };
  const other = { url: server.url, shop: otherShop.shop, testId: otherShop.testId, productId: "7001", trafficSplit: 50 };

  console.log(`Fuzzing ${server.url}/track: ${CASES} hostile bodies (seed ${SEED}, 32 connections) at ${target.shop}'s ACTIVE test, with ${other.shop}'s valid traffic on 8 connections\n`);
  const started = performance.now();
  const report = await runTrackFuzz({ url: server.url, target, other, cases: CASES, concurrency: 32, otherConcurrency: 8, seed: SEED });
  const seconds = (performance.now() - started) / 1000;
  const stored = await checkStored(prisma, targetShop.shopId, otherShop.shopId, report);

  const byStatus = (statuses: Record<number, number>) => Object.entries(statuses).map(([status, count]) => `${status}×${count}`).join(" ");
  console.log(`hostile: ${report.hostile.sent} requests in ${seconds.toFixed(1)} s — ${byStatus(report.hostile.statuses)}; events accepted ${report.hostile.accepted}, stored ${stored.targetRows}`);
  console.log(`  kinds: ${Object.entries(report.hostile.byKind).sort(([a], [b]) => a.localeCompare(b)).map(([kind, count]) => `${kind} ${count}`).join(", ")}`);
  console.log(`other shop: ${report.other.sent} requests — ${byStatus(report.other.statuses)}; acknowledged events ${report.other.acknowledgedIds.length}, stored ${stored.otherAcknowledgedStored}\n`);

  step(report.hostile.sent >= 10_000, `${report.hostile.sent} hostile bodies sent (≥ 10,000)`);
  const serverErrors = [...report.hostile.serverErrors, ...report.other.serverErrors];
  step(serverErrors.length === 0, `0 answers 5xx (${serverErrors.length})${serverErrors.length ? `: ${serverErrors.slice(0, 5).join("; ")}` : ""}`);
  step(stored.targetRowsOutOfBounds === 0, `no stored row outside the input bounds (${stored.targetRowsOutOfBounds})`);
  step(stored.targetRows === report.hostile.accepted, `target shop: every accepted event stored, nothing else (${stored.targetRows} of ${report.hostile.accepted})`);
  step(report.other.sent > 0 && report.other.statuses[202] === report.other.sent, `other shop: every request acknowledged with 202 (${report.other.statuses[202] ?? 0} of ${report.other.sent})`);
  step(
    report.other.acknowledgedIds.length > 0 && stored.otherAcknowledgedStored === report.other.acknowledgedIds.length,
    `other shop: 100% of acknowledged events stored (${stored.otherAcknowledgedStored} of ${report.other.acknowledgedIds.length})`,
  );
  step(({} as Record<string, unknown>).polluted === undefined, "Object.prototype not polluted");
} finally {
  await server.close();
  await prisma.$disconnect();
  await database.drop();
}
process.exit(failures > 0 ? 1 : 0);
