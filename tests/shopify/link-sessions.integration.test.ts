import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { createAdminClient, type AdminSession } from "../../app/services/shopify/admin-client";
import { linkSessions } from "../../app/services/shopify/link-sessions";
import { startFakeAdminApi, type FakeAdminApi } from "../fake-shopify/fake-admin-api";
import { uniqueShopDomain } from "../support/shops";

let fake: FakeAdminApi;
beforeAll(async () => {
  fake = await startFakeAdminApi();
});
afterAll(() => fake.close());

const connect = (session: AdminSession) => createAdminClient(session, { origin: fake.origin, sleep: async () => {} });

/** A shop on the fake whose offline session was stored without Session.shopId, as before the FK. */
async function unlinkedShop(options: { customDomain?: boolean; accessToken?: string } = {}) {
  const domain = uniqueShopDomain("link");
  const customDomain = `www.${domain.split(".")[0]}.example.com`;
  fake.addShop({ domain, primaryDomainHost: options.customDomain ? customDomain : domain, ianaTimezone: "Europe/Berlin", currencyCode: "EUR" });
  const session = await prisma.session.create({
    data: { id: `offline_${domain}`, shop: domain, state: "", isOnline: false, accessToken: options.accessToken ?? `shpat_test_${domain}` },
  });
  return { domain, customDomain, sessionId: session.id };
}

const shopIdOf = async (sessionId: string) => (await prisma.session.findUniqueOrThrow({ where: { id: sessionId } })).shopId;

describe("linkSessions", () => {
  it("GIVEN a credential configured under the shop's custom domain THEN the session is linked through primaryDomain and the credential filled in", async () => {
    const { domain, customDomain, sessionId } = await unlinkedShop({ customDomain: true });
    const credential = await prisma.shopCredential.create({ data: { shopDomain: customDomain, apiKey: "k" } });

    const outcomes = await linkSessions(prisma, connect, { shops: [domain] });

    expect(outcomes).toEqual([
      {
        sessionId,
        sessionShop: domain,
        status: "linked",
        dryRun: false,
        shopId: credential.id,
        credentialDomain: customDomain,
        filled: ["myshopifyDomain", "primaryDomain", "ianaTimezone", "currencyCode"],
      },
    ]);
    expect(await shopIdOf(sessionId)).toBe(credential.id);
    expect(await prisma.shopCredential.findUniqueOrThrow({ where: { id: credential.id } })).toMatchObject({
      myshopifyDomain: domain,
      primaryDomain: customDomain,
      ianaTimezone: "Europe/Berlin",
      currencyCode: "EUR",
    });
    expect(fake.rejectedQueries).toEqual([]);
  });

  it("GIVEN a credential with some details already set THEN only the empty ones are filled", async () => {
    const { domain, sessionId } = await unlinkedShop();
    const credential = await prisma.shopCredential.create({ data: { shopDomain: domain, apiKey: "k", currencyCode: "CHF", ianaTimezone: "Europe/Zurich" } });

    const [outcome] = await linkSessions(prisma, connect, { shops: [domain] });

    expect(outcome).toMatchObject({ status: "linked", filled: ["myshopifyDomain", "primaryDomain"] });
    expect(await shopIdOf(sessionId)).toBe(credential.id);
    expect(await prisma.shopCredential.findUniqueOrThrow({ where: { id: credential.id } })).toMatchObject({ currencyCode: "CHF", ianaTimezone: "Europe/Zurich" });
  });

  it("GIVEN one credential by myshopify domain and another by custom domain THEN the myshopify one wins", async () => {
    const { domain, customDomain, sessionId } = await unlinkedShop({ customDomain: true });
    await prisma.shopCredential.create({ data: { shopDomain: customDomain, apiKey: "k" } });
    const bound = await prisma.shopCredential.create({ data: { shopDomain: `old-${domain}`, myshopifyDomain: domain, apiKey: "k" } });

    const [outcome] = await linkSessions(prisma, connect, { shops: [domain] });

    expect(outcome).toMatchObject({ status: "linked", shopId: bound.id });
    expect(await shopIdOf(sessionId)).toBe(bound.id);
  });

  it.each([
    { case: "no credential at all", otherShop: false, reason: "no credential matches" },
    { case: "only another shop's credential under the custom domain", otherShop: true, reason: "only other shops' credentials match" },
  ])("GIVEN $case THEN it reports not linked with the domains it tried", async ({ otherShop, reason }) => {
    const { domain, customDomain, sessionId } = await unlinkedShop({ customDomain: true });
    if (otherShop) await prisma.shopCredential.create({ data: { shopDomain: customDomain, myshopifyDomain: uniqueShopDomain("other"), apiKey: "k" } });

    const outcomes = await linkSessions(prisma, connect, { shops: [domain] });

    expect(outcomes).toEqual([
      { sessionId, sessionShop: domain, status: "not-linked", triedDomains: [domain, customDomain], reason: expect.stringContaining(reason) },
    ]);
    expect(await shopIdOf(sessionId)).toBeNull();
  });

  it("GIVEN --dry-run THEN it reports the link and writes nothing", async () => {
    const { domain, customDomain, sessionId } = await unlinkedShop({ customDomain: true });
    const credential = await prisma.shopCredential.create({ data: { shopDomain: customDomain, apiKey: "k" } });

    const outcomes = await linkSessions(prisma, connect, { shops: [domain], dryRun: true });

    expect(outcomes).toMatchObject([{ status: "linked", dryRun: true, shopId: credential.id }]);
    expect(await shopIdOf(sessionId)).toBeNull();
    expect(await prisma.shopCredential.findUniqueOrThrow({ where: { id: credential.id } })).toEqual(credential);
  });

  it("GIVEN a revoked token (HTTP 401) THEN it reports the failure with a reinstall hint and goes on with the other shops", async () => {
    const revoked = await unlinkedShop({ accessToken: "shpat_revoked" });
    const healthy = await unlinkedShop();
    const credential = await prisma.shopCredential.create({ data: { shopDomain: healthy.domain, apiKey: "k" } });

    const outcomes = await linkSessions(prisma, connect, { shops: [revoked.domain, healthy.domain] });

    const byShop = new Map(outcomes.map((outcome) => [outcome.sessionShop, outcome]));
    expect(byShop.get(revoked.domain)).toEqual({
      sessionId: revoked.sessionId,
      sessionShop: revoked.domain,
      status: "failed",
      error: expect.stringMatching(/HTTP 401.*reinstall the app/),
    });
    expect(byShop.get(healthy.domain)).toMatchObject({ status: "linked", shopId: credential.id });
    expect(await shopIdOf(revoked.sessionId)).toBeNull();
  });

  it("GIVEN an unreachable Admin API THEN the failure names SHOPIFY_ADMIN_API_ORIGIN in its hint", async () => {
    const { domain, sessionId } = await unlinkedShop();
    const closedPort = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const unreachable = (session: AdminSession) => createAdminClient(session, { origin: `http://127.0.0.1:${closedPort}`, sleep: async () => {} });

    const outcomes = await linkSessions(prisma, unreachable, { shops: [domain] });

    expect(outcomes).toEqual([
      { sessionId, sessionShop: domain, status: "failed", error: expect.stringMatching(/unreachable after 5 tries.*SHOPIFY_ADMIN_API_ORIGIN/) },
    ]);
    expect(await shopIdOf(sessionId)).toBeNull();
  });

  it("GIVEN an already linked session and an online session THEN neither is touched", async () => {
    const { domain, sessionId } = await unlinkedShop();
    const credential = await prisma.shopCredential.create({ data: { shopDomain: domain, apiKey: "k" } });
    await prisma.session.update({ where: { id: sessionId }, data: { shopId: credential.id } });
    await prisma.session.create({ data: { id: `online_${domain}`, shop: domain, state: "", isOnline: true, accessToken: `shpat_test_${domain}` } });

    const outcomes = await linkSessions(prisma, connect, { shops: [domain] });

    expect(outcomes).toEqual([]);
    expect(fake.requests.filter((request) => request.shop === domain)).toEqual([]);
  });
});
