// Every GraphQL operation the app sends must validate against the Admin schema it pins (ADMIN_API_VERSION).
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ADMIN_API_VERSION } from "../../app/services/shopify/admin-api-version";
import { ADMIN_OPERATIONS } from "../../app/services/shopify/admin-operations";
import { loadAdminSchema, validateOperation } from "../fake-shopify/admin-schema";

const schema = loadAdminSchema(ADMIN_API_VERSION);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

describe("Admin API operations", () => {
  it.each(ADMIN_OPERATIONS.map((operation) => [operation.name, operation.source]))("GIVEN %s THEN it validates against the pinned Admin schema", (_name, source) => {
    expect(validateOperation(schema, source).map((error) => error.message)).toEqual([]);
  });

  it("GIVEN an operation using a field the schema lacks THEN validation reports it (the check can fail)", () => {
    const errors = validateOperation(schema, "query Broken { product(id: \"gid://shopify/Product/1\") { media(first: 1) { nodes { url } } } }");

    expect(errors.map((error) => error.message).join()).toMatch(/Cannot query field "url"/);
  });

  it("GIVEN the app's and scripts' sources THEN no GraphQL operation is written outside admin-operations.ts", () => {
    const root = path.resolve(import.meta.dirname, "../..");
    const operationsFile = path.join(root, "app/services/shopify/admin-operations.ts");
    const offenders = [...sourceFiles(path.join(root, "app")), ...sourceFiles(path.join(root, "scripts"))]
      .filter((file) => file !== operationsFile)
      .filter((file) => /#graphql|`\s*(query|mutation)\s+\w+\s*[({]/.test(fs.readFileSync(file, "utf8")));

    expect(offenders).toEqual([]);
  });
});
