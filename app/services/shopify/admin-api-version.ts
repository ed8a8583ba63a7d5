// The Admin API version the app speaks, in one place: the GraphQL client, the Shopify app library
// (shopify.server.ts), the schema checks and the fake Admin API all read it from here.
import type { ApiVersion } from "@shopify/shopify-app-remix/server";

export const ADMIN_API_VERSION = "2026-10" as const;

// Compile-time check: the pinned version is one the Shopify app library knows (a type-only import, so
// scripts and the fake Admin API that read the constant do not load the library).
type Known<V extends `${ApiVersion}`> = V;
export type AdminApiVersion = Known<typeof ADMIN_API_VERSION>;

/** The library's enum member for the pinned version (string enums carry their value). */
export const LIBRARY_API_VERSION = ADMIN_API_VERSION as `${ApiVersion}` as ApiVersion;
