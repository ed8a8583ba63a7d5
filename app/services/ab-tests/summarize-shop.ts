import type { PrismaClient } from "@prisma/client";

/** Headline counts for the shop behind an authenticated session, found through Session.shopId. */
export async function summarizeShop(prisma: PrismaClient, sessionId: string) {
  const session = await prisma.session.findUnique({ where: { id: sessionId }, select: { shop: true, credential: true } });
  const shopId = session?.credential?.id;
  if (!shopId) return { shopDomain: session?.shop ?? "", activeTests: 0, totalTests: 0 };
  const [activeTests, totalTests] = await Promise.all([
    prisma.aBTest.count({ where: { shopId, status: "ACTIVE" } }),
    prisma.aBTest.count({ where: { shopId } }),
  ]);
  return { shopDomain: session.credential!.shopDomain, activeTests, totalTests };
}
