// The real Shopify Admin schema (an introspection result kept in shared/), so that both the fake and the
// app's own tests reject any operation Shopify would reject, instead of trusting hand-written types.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import {
  buildClientSchema,
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type IntrospectionQuery,
} from "graphql";
import { ADMIN_API_VERSION } from "../../app/services/shopify/admin-api-version";

export const DEFAULT_ADMIN_API_VERSION: string = ADMIN_API_VERSION;

const schemasByVersion = new Map<string, GraphQLSchema>();

function resolveSchemaDir(): string {
  return process.env.SHOPIFY_SCHEMA_DIR ?? path.resolve(import.meta.dirname, "../../../shared/shopify-schema");
}

// Building the schema costs ~0.5 s, and every request of every test needs it, hence the cache.
export function loadAdminSchema(version = DEFAULT_ADMIN_API_VERSION): GraphQLSchema {
  const cached = schemasByVersion.get(version);
  if (cached) return cached;
  const file = path.join(resolveSchemaDir(), `admin_${version}.introspection.json.gz`);
  const json = JSON.parse(zlib.gunzipSync(fs.readFileSync(file)).toString("utf8")) as { data: IntrospectionQuery };
  const schema = buildClientSchema(json.data);
  schemasByVersion.set(version, schema);
  return schema;
}

export type ParsedOperation =
  | { readonly document: DocumentNode; readonly errors?: undefined }
  | { readonly document?: undefined; readonly errors: readonly GraphQLError[] };

export function parseOperation(schema: GraphQLSchema, source: string): ParsedOperation {
  let document: DocumentNode;
  try {
    document = parse(source);
  } catch (error) {
    if (error instanceof GraphQLError) return { errors: [error] };
    throw error;
  }
  const errors = validate(schema, document);
  return errors.length > 0 ? { errors } : { document };
}

export function validateOperation(schema: GraphQLSchema, source: string): readonly GraphQLError[] {
  return parseOperation(schema, source).errors ?? [];
}
