// Start, pause, resume and complete: validated transitions, then the storefront config is republished
// so the embed shows (or stops showing) the test. If Shopify refuses the config, the change is undone.
import { Prisma, type ABTestStatus, type PrismaClient } from "@prisma/client";
import type { AdminClient } from "../shopify/admin-client";
import { NotFoundError } from "./ab-test-errors";
import { publishStorefrontConfig } from "./publish-storefront-config";

export const TRANSITIONS = {
  start: { from: ["DRAFT"], to: "ACTIVE" },
  pause: { from: ["ACTIVE"], to: "PAUSED" },
  resume: { from: ["PAUSED"], to: "ACTIVE" },
  complete: { from: ["ACTIVE", "PAUSED"], to: "COMPLETED" },
} as const satisfies Record<string, { from: readonly ABTestStatus[]; to: ABTestStatus }>;

export type TransitionAction = keyof typeof TRANSITIONS;

export type TransitionResult = { ok: true; status: ABTestStatus } | { ok: false; error: string };

export async function transitionAbTest(prisma: PrismaClient, admin: AdminClient, shopId: string, testId: string, action: TransitionAction): Promise<TransitionResult> {
  const test = await prisma.aBTest.findFirst({ where: { id: testId, shopId }, select: { status: true, startedAt: true, endedAt: true } });
  if (!test) throw new NotFoundError("Test");
  const transition = TRANSITIONS[action];
  if (!(transition.from as readonly ABTestStatus[]).includes(test.status)) {
    return { ok: false, error: `A ${test.status.toLowerCase()} test cannot be ${action === "complete" ? "completed" : `${action}ed`}.` };
  }
  const now = new Date();
  try {
    // The status in the condition makes a concurrent, conflicting change lose cleanly.
    const { count } = await prisma.aBTest.updateMany({
      where: { id: testId, shopId, status: test.status },
      data: {
        status: transition.to,
        ...(action === "start" ? { startedAt: now } : {}),
        ...(action === "complete" ? { endedAt: now } : {}),
      },
    });
    if (count === 0) return { ok: false, error: "The test was changed meanwhile; reload and try again." };
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      return { ok: false, error: "Another test is already running on this product. Complete it first." };
    }
    throw error;
  }
  try {
    await publishStorefrontConfig(prisma, admin, shopId);
  } catch (error) {
    await prisma.aBTest.update({ where: { id: testId }, data: { status: test.status, startedAt: test.startedAt, endedAt: test.endedAt } });
    return { ok: false, error: `The storefront could not be updated, so nothing changed: ${(error as Error).message}` };
  }
  return { ok: true, status: transition.to };
}
