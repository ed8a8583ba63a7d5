// orders/create: stores the order's lines of tested products and turns them into verified PURCHASE rows
// (ADR 008). A line is attributed to a visitor by the visitor id and exposures the embed stored as cart
// attributes (they come inside Shopify's order; the arm is recomputed from the visitor id, never read
// from the attribute) or else by the pixel's claim of the same order (matched in SQL by
// "ab_test_verify_claims", which the claim's own insert also runs, so arrival order does not matter).
// Idempotent:
// a redelivered webhook finds its lines and purchases already stored (keys: shop + order + line).
import type { PrismaClient } from "@prisma/client";
import { assignArm } from "../../lib/assignment";
import { decodeExposures, numericId } from "../../lib/storefront-contract";
import { findShopCredential } from "../shopify/shop-credentials";
import { orderWebhookSchema, readCartAttributes, readOrderLines } from "./order-webhook-payload";

export type RecordOrderResult =
  | { ok: true; linesStored: number; purchasesVerified: number; skippedLines: number }
  | { ok: false; message: string };

/** The key of the verified purchase of one order line, shared by the SQL matcher (migration 20261208130000). */
export const purchaseEventId = (orderId: string, lineId: string) => `order:${orderId}:${lineId}`;

export async function recordOrder(prisma: PrismaClient, shop: string, payload: unknown, now: Date): Promise<RecordOrderResult> {
  const parsed = orderWebhookSchema.safeParse(payload);
  if (!parsed.success) return { ok: false, message: "the payload is not an order (id, currency, line_items with price_set.shop_money)" };
  const order = parsed.data;
  const credential = await findShopCredential(prisma, shop);
  const { lines: allLines, skipped } = readOrderLines(order);
  if (!credential || allLines.length === 0) return { ok: true, linesStored: 0, purchasesVerified: 0, skippedLines: skipped };
  const shopId = credential.id;

  // Only lines of products that have (or had) a test are kept: no claim or exposure can name another.
  const tests = await prisma.aBTest.findMany({
    where: { shopId, productId: { in: [...new Set(allLines.map((line) => line.productId))] } },
    select: { id: true, productId: true, status: true, trafficSplit: true },
  });
  const testedProducts = new Set(tests.map((test) => test.productId));
  const lines = allLines.filter((line) => testedProducts.has(line.productId));
  if (lines.length === 0) return { ok: true, linesStored: 0, purchasesVerified: 0, skippedLines: skipped };

  const orderId = lines[0].orderId;
  const checkoutToken = order.checkout_token ?? null;
  const orderCreatedAt = order.created_at ? new Date(Math.min(Date.parse(order.created_at), now.getTime())) : now;
  const { visitorId, exposures } = readCartAttributes(order);
  const exposed = decodeExposures(exposures);

  return prisma.$transaction(async (tx) => {
    // Exclusive against the claim trigger's shared lock on the same key: a claim committing at the same
    // moment waits, then sees these lines (or these wait, then see the claim).
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`verified-orders:${shopId}`}, 0))`;
    const stored = await tx.verifiedOrderLine.createMany({
      data: lines.map((line) => ({
        shopId,
        ...line,
        checkoutToken,
        visitorId,
        exposedTestIds: exposed.map((exposure) => exposure.testId),
        orderCreatedAt,
        receivedAt: now,
      })),
      skipDuplicates: true,
    });
    const before = await tx.aBTestEvent.count({ where: { shopId, orderId, eventType: "PURCHASE" } });

    // The cart attributes first: they travel inside Shopify's own order, while a claim is whatever a
    // browser sent (a forger who guessed an order id cannot take an attributed order from its visitor).
    // For tests running now on the line's product that the visitor was exposed to.
    if (visitorId) {
      const rows = lines.flatMap((line) => {
        const test = tests.find(
          (candidate) =>
            candidate.productId === line.productId &&
            candidate.status === "ACTIVE" &&
            exposed.some((exposure) => exposure.testId === candidate.id && exposure.product === numericId(line.productId)),
        );
        if (!test) return [];
        return [
          {
            shopId,
            testId: test.id,
            arm: assignArm(test.id, visitorId, test.trafficSplit),
            eventType: "PURCHASE" as const,
            productId: line.productId,
            variantId: line.variantId,
            visitorId,
            eventId: purchaseEventId(line.orderId, line.lineId),
            quantity: line.quantity,
            revenue: line.revenue,
            currency: line.currency,
            orderId: line.orderId,
            occurredAt: orderCreatedAt,
            createdAt: now,
          },
        ];
      });
      if (rows.length > 0) await tx.aBTestEvent.createMany({ data: rows, skipDuplicates: true });
    }

    // Lines the attributes did not attribute: the pixel's claims of this order or its checkout.
    const claims = await tx.aBTestEvent.findMany({
      where: { shopId, eventType: "PURCHASE_CLAIM", OR: [{ orderId }, ...(checkoutToken ? [{ checkoutToken }] : [])] },
      select: { id: true },
    });
    if (claims.length > 0) await tx.$executeRaw`SELECT "ab_test_verify_claims"(${claims.map((claim) => claim.id)}::text[])`;
    const after = await tx.aBTestEvent.count({ where: { shopId, orderId, eventType: "PURCHASE" } });
    return { ok: true as const, linesStored: stored.count, purchasesVerified: after - before, skippedLines: skipped };
  });
}
