import crypto from "node:crypto";

/** Compares secrets in time independent of where they differ (hashing first equalises lengths). */
export function secretsMatch(given: string, expected: string): boolean {
  const digest = (value: string) => crypto.createHash("sha256").update(value, "utf8").digest();
  return crypto.timingSafeEqual(digest(given), digest(expected)) && given.length === expected.length;
}
