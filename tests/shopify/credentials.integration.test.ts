import { describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { getEnv } from "../../app/env.server";
import { readCredentialSecret, saveShopCredential } from "../../app/services/shopify/shop-credentials";
import { uniqueShopDomain } from "../support/shops";

describe("shop credentials at rest", () => {
  it("GIVEN a PRIVATE credential WHEN saved THEN the raw column holds ciphertext, never the secret, and it reads back", async () => {
    const secret = "shpss_0123456789abcdef0123456789abcdef";
    const saved = await saveShopCredential(prisma, getEnv().encryptionKey, { shopDomain: uniqueShopDomain(), apiKey: "private-key", apiSecret: secret, mode: "PRIVATE" });

    const [raw] = await prisma.$queryRaw<{ apiSecret: string }[]>`SELECT "apiSecret" FROM "ShopCredential" WHERE id = ${saved.id}`;

    expect(raw.apiSecret).not.toBe(secret);
    expect(raw.apiSecret).not.toContain(secret.slice(6));
    expect(raw.apiSecret).toMatch(/^v1\./);
    expect(readCredentialSecret(saved, getEnv().encryptionKey)).toBe(secret);
  });

  it("GIVEN a PRIVATE credential without a secret THEN it is refused", async () => {
    await expect(saveShopCredential(prisma, getEnv().encryptionKey, { shopDomain: uniqueShopDomain(), apiKey: "k", mode: "PRIVATE" })).rejects.toThrow(/API secret/);
  });
});
