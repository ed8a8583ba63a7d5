// "Keep treatment images" and "Restore original order" for a completed test: the product's media are
// reordered through the Admin API (productReorderMedia) and the order they had before is recorded in
// ABTestMediaOrder, the only writer of that table, so it can be put back after any reload.
//
// productReorderMedia is asynchronous: Shopify answers with a job and moves the media when the job
// runs, so the job is polled (bounded) before the page says the order changed. The record is claimed
// before Shopify is asked and released again if Shopify refuses (mediaUserErrors) or cannot be
// reached, so nothing stays recorded for a change that did not happen, and two clicks cannot both keep.
import { Prisma, type PrismaClient } from "@prisma/client";
import type { TestImage } from "../../lib/storefront-config";
import type { AdminClient } from "../shopify/admin-client";
import { JOB, PRODUCT_MEDIA_ORDER, PRODUCT_REORDER_MEDIA, type MediaUserError, type MoveInput } from "../shopify/admin-operations";
import { NotFoundError } from "./ab-test-errors";
import { getTestResults } from "./get-test-results";
import { publishStorefrontConfig } from "./publish-storefront-config";

export type MediaOrderAction = "keep" | "restore";

export type MediaOrderResult =
  | { ok: true; action: MediaOrderAction; mediaIds: string[]; /** Shopify's job had not run when polling stopped. */ pending: boolean; message: string }
  | { ok: false; status: 409 | 422; code: string; message: string };

export interface JobPolling {
  /** Waits between polls of the reorder job, in ms; their sum bounds how long a request waits. */
  delaysMs: readonly number[];
  sleep: (ms: number) => Promise<void>;
}

// ~3 s in all: Shopify runs a reorder job within a second or two; past that the page says it is still running.
const DEFAULT_POLLING: JobPolling = { delaysMs: [50, 100, 200, 400, 800, 1600], sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

export interface MediaOrderOptions {
  /** Keep the treatment's images although the results did not name it the winner (the merchant's explicit choice). */
  explicit?: boolean;
  now?: Date;
  polling?: JobPolling;
}

const refused = (status: 409 | 422, code: string, message: string): MediaOrderResult => ({ ok: false, status, code, message });

/**
 * The moves that turn `current` into `target` under MoveInput's rules (applied in order, each position
 * counted after the moves before it), only for media whose position changes. Both lists hold the same ids.
 */
export function planMediaMoves(current: readonly string[], target: readonly string[]): MoveInput[] {
  const working = [...current];
  const moves: MoveInput[] = [];
  target.forEach((id, position) => {
    if (working[position] === id) return;
    working.splice(working.indexOf(id), 1);
    working.splice(position, 0, id);
    moves.push({ id, newPosition: String(position) });
  });
  return moves;
}

/** The treatment's images first, in its order; the product's other media after them, as they are. */
export function orderForTreatment(current: readonly string[], treatment: readonly string[]): string[] {
  const chosen = new Set(treatment);
  return [...treatment, ...current.filter((id) => !chosen.has(id))];
}

/** The recorded order for the media still on the product; media added since stay after them, as they are. */
export function orderForRestore(current: readonly string[], previous: readonly string[]): string[] {
  const present = new Set(current);
  const kept = previous.filter((id) => present.has(id));
  const recorded = new Set(kept);
  return [...kept, ...current.filter((id) => !recorded.has(id))];
}

async function readMediaOrder(admin: AdminClient, productId: string): Promise<string[] | null> {
  const ids: string[] = [];
  let after: string | null = null;
  do {
    const { product }: NonNullable<typeof PRODUCT_MEDIA_ORDER.__types>["data"] = await admin.request(PRODUCT_MEDIA_ORDER, { id: productId, after });
    if (!product) return null;
    ids.push(...product.media.nodes.map((node) => node.id));
    after = product.media.pageInfo.hasNextPage ? product.media.pageInfo.endCursor : null;
  } while (after);
  return ids;
}

type ReorderOutcome = { ok: true; pending: boolean } | { ok: false; errors: MediaUserError[] };

async function reorderMedia(admin: AdminClient, productId: string, moves: MoveInput[], polling: JobPolling): Promise<ReorderOutcome> {
  if (moves.length === 0) return { ok: true, pending: false };
  const { productReorderMedia: payload } = await admin.request(PRODUCT_REORDER_MEDIA, { id: productId, moves });
  if (!payload) return { ok: false, errors: [{ field: null, message: "Shopify answered without a result.", code: null }] };
  if (payload.mediaUserErrors.length > 0) return { ok: false, errors: payload.mediaUserErrors };
  let job = payload.job;
  for (const delayMs of polling.delaysMs) {
    if (!job || job.done) return { ok: true, pending: false };
    await polling.sleep(delayMs);
    job = (await admin.request(JOB, { id: job.id })).job ?? job;
  }
  return { ok: true, pending: Boolean(job && !job.done) };
}

function describeUserErrors(errors: MediaUserError[]): string {
  return `Shopify refused to reorder the product's images, so nothing changed: ${errors.map((error) => error.message).join("; ")}.`;
}

/** The test of the shop, completed, on a product no running test is changing. */
async function loadCompletedTest(prisma: PrismaClient, shopId: string, testId: string) {
  const test = await prisma.aBTest.findFirst({ where: { id: testId, shopId }, select: { id: true, productId: true, status: true, treatmentImages: true } });
  if (!test) throw new NotFoundError("Test");
  if (test.status !== "COMPLETED") return { refusal: refused(409, "test_not_completed", `A ${test.status.toLowerCase()} test cannot change the product's images; complete it first.`) };
  const running = await prisma.aBTest.count({ where: { shopId, productId: test.productId, status: { in: ["ACTIVE", "PAUSED"] } } });
  if (running > 0) return { refusal: refused(409, "product_under_test", "Another test is running on this product; complete it before changing its images.") };
  return { test };
}

// The storefront config lists running tests only, so the embed leaves this product's gallery to the
// theme, which renders Shopify's (now reordered) media. Republished so the metafield reflects the state
// the page shows; a failure here does not undo a reorder Shopify already made, it is reported instead.
async function refreshStorefront(prisma: PrismaClient, admin: AdminClient, shopId: string): Promise<string> {
  try {
    await publishStorefrontConfig(prisma, admin, shopId);
    return "";
  } catch (error) {
    return ` The storefront configuration could not be refreshed (${(error as Error).message}); it will be on the next test change.`;
  }
}

export async function keepTreatmentImages(prisma: PrismaClient, admin: AdminClient, shopId: string, testId: string, options: MediaOrderOptions = {}): Promise<MediaOrderResult> {
  const { now = new Date(), polling = DEFAULT_POLLING } = options;
  const loaded = await loadCompletedTest(prisma, shopId, testId);
  if (!loaded.test) return loaded.refusal;
  const { test } = loaded;
  if (!options.explicit) {
    const { analysis } = await getTestResults(prisma, shopId, testId, now);
    if (analysis.verdict !== "treatment_wins") return refused(409, "no_winner", "The treatment did not win this test. Choose to keep its images anyway to apply them.");
  }
  const existing = await prisma.aBTestMediaOrder.findFirst({ where: { testId, shopId } });
  if (existing && !existing.restoredAt) return refused(409, "already_kept", "The treatment's images are already kept on this product.");

  const current = await readMediaOrder(admin, test.productId);
  if (!current) return refused(422, "product_missing", "The product no longer exists in Shopify.");
  const treatment = (test.treatmentImages as unknown as TestImage[]).map((image) => image.mediaId);
  if (treatment.length === 0) return refused(422, "no_treatment_images", "This test has no treatment images to keep.");
  const missing = treatment.filter((id) => !current.includes(id));
  if (missing.length > 0) return refused(422, "media_missing", `${missing.length} of the treatment's images ${missing.length === 1 ? "is" : "are"} no longer on the product, so its order cannot be applied.`);
  const target = orderForTreatment(current, treatment);

  // Claim: a new row, or the restored row of an earlier keep; a concurrent keep loses here.
  const values = { previousMediaIds: current, keptMediaIds: target, keptAt: now, restoredAt: null };
  if (existing) {
    const { count } = await prisma.aBTestMediaOrder.updateMany({ where: { testId, shopId, restoredAt: existing.restoredAt }, data: values });
    if (count === 0) return refused(409, "changed_meanwhile", "The product's images were changed meanwhile; reload and try again.");
  } else {
    try {
      await prisma.aBTestMediaOrder.create({ data: { testId, shopId, productId: test.productId, ...values } });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return refused(409, "changed_meanwhile", "The product's images were changed meanwhile; reload and try again.");
      throw error;
    }
  }
  const release = () =>
    existing
      ? prisma.aBTestMediaOrder.updateMany({ where: { testId, keptAt: now }, data: { previousMediaIds: existing.previousMediaIds, keptMediaIds: existing.keptMediaIds, keptAt: existing.keptAt, restoredAt: existing.restoredAt } })
      : prisma.aBTestMediaOrder.deleteMany({ where: { testId, keptAt: now } });

  return applyMediaOrder(prisma, admin, { shopId, productId: test.productId, current, target, polling, release }, {
    action: "keep",
    pending: "Shopify is applying the treatment's image order; it shows on the product within a minute.",
    done: "The product now shows the treatment's images first, in the treatment's order.",
  });
}

export async function restoreOriginalOrder(prisma: PrismaClient, admin: AdminClient, shopId: string, testId: string, options: MediaOrderOptions = {}): Promise<MediaOrderResult> {
  const { now = new Date(), polling = DEFAULT_POLLING } = options;
  const loaded = await loadCompletedTest(prisma, shopId, testId);
  if (!loaded.test) return loaded.refusal;
  const record = await prisma.aBTestMediaOrder.findFirst({ where: { testId, shopId, restoredAt: null } });
  if (!record) return refused(409, "nothing_to_restore", "The treatment's images were not kept, so there is no earlier order to restore.");

  const current = await readMediaOrder(admin, record.productId);
  if (!current) return refused(422, "product_missing", "The product no longer exists in Shopify.");
  const target = orderForRestore(current, record.previousMediaIds);

  const { count } = await prisma.aBTestMediaOrder.updateMany({ where: { testId, shopId, restoredAt: null }, data: { restoredAt: now } });
  if (count === 0) return refused(409, "changed_meanwhile", "The product's images were changed meanwhile; reload and try again.");
  const release = () => prisma.aBTestMediaOrder.updateMany({ where: { testId, restoredAt: now }, data: { restoredAt: null } });

  return applyMediaOrder(prisma, admin, { shopId, productId: record.productId, current, target, polling, release }, {
    action: "restore",
    pending: "Shopify is putting the original image order back; it shows on the product within a minute.",
    done: "The product's original image order is back.",
  });
}

interface MediaOrderChange {
  shopId: string;
  productId: string;
  current: string[];
  target: string[];
  polling: JobPolling;
  /** Takes back the record written before Shopify was asked: a refused or failed reorder leaves nothing recorded. */
  release: () => Promise<unknown>;
}

async function applyMediaOrder(
  prisma: PrismaClient,
  admin: AdminClient,
  change: MediaOrderChange,
  wording: { action: MediaOrderAction; pending: string; done: string },
): Promise<MediaOrderResult> {
  let outcome: ReorderOutcome;
  try {
    outcome = await reorderMedia(admin, change.productId, planMediaMoves(change.current, change.target), change.polling);
  } catch (error) {
    await change.release();
    throw error;
  }
  if (!outcome.ok) {
    await change.release();
    return refused(422, "shopify_refused", describeUserErrors(outcome.errors));
  }
  const note = await refreshStorefront(prisma, admin, change.shopId);
  const message = outcome.pending ? wording.pending : wording.done;
  return { ok: true, action: wording.action, mediaIds: change.target, pending: outcome.pending, message: message + note };
}
