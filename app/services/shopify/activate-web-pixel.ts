// The app's web pixel on a shop: created on install, re-pointed when the app moves, and read back by
// operators. Settings are all strings because the extension declares them as single_line_text_field
// (extensions/ab-test-pixel/shopify.extension.toml); the Admin API carries them as a JSON string.
import { AdminApiError, type AdminClient } from "./admin-client";
import { WEB_PIXEL, WEB_PIXEL_CREATE, WEB_PIXEL_UPDATE, type UserError, type WebPixel } from "./admin-operations";

/** What creating or updating the pixel needs; shopify.app.toml and SCOPES must ask for both. */
export const PIXEL_SCOPES: readonly string[] = ["write_pixels", "read_customer_events"];

export interface WebPixelSettings {
  app_url: string;
  enabled: "true" | "false";
  debug: "true" | "false";
}

export interface ActivateWebPixelOptions {
  /** The app's public URL; the pixel posts to `${appUrl}/track`. */
  appUrl: string;
  enabled?: boolean;
  debug?: boolean;
}

export interface ActivateWebPixelResult {
  action: "created" | "updated" | "unchanged";
  pixelId: string;
  settings: WebPixelSettings;
  /** For "updated": each setting that changed, e.g. `app_url "https://old" → "https://new"`. */
  changes: string[];
}

export interface WebPixelStatus {
  exists: boolean;
  pixelId?: string;
  /** The settings as stored on the shop, parsed; absent when they are not a JSON object. */
  settings?: Record<string, unknown>;
  /** Why the pixel would not deliver events to this app; empty when it is healthy. */
  problems: string[];
}

export class MissingScopeError extends Error {
  constructor(
    readonly shop: string,
    readonly operation: string,
    /** The scopes Shopify said the operation requires (it names all of them, not only the missing ones). */
    readonly requiredScopes: string[],
    /** What the app must request so the pixel can be activated. */
    readonly scopesToGrant: string[],
  ) {
    const required = requiredScopes.length > 0 ? ` (requires ${requiredScopes.map((scope) => `\`${scope}\``).join(", ")})` : "";
    super(
      `Shopify denied ${operation}${required}: grant ${scopesToGrant.join(", ")} — add them to SCOPES and to ` +
        `[access_scopes] scopes in shopify.app.toml, run \`shopify app deploy\`, then re-open the app in ${shop}'s admin ` +
        `so the merchant approves the new scopes`,
    );
    this.name = "MissingScopeError";
  }
}

export class WebPixelUserError extends Error {
  constructor(
    readonly shop: string,
    readonly operation: string,
    readonly userErrors: UserError[],
  ) {
    super(`${operation} refused: ${userErrors.map((error) => (error.field?.length ? `${error.field.join(".")}: ${error.message}` : error.message)).join("; ")}`);
    this.name = "WebPixelUserError";
  }
}

export async function activateWebPixel(admin: AdminClient, options: ActivateWebPixelOptions): Promise<ActivateWebPixelResult> {
  const settings: WebPixelSettings = {
    app_url: normalizeAppUrl(options.appUrl),
    enabled: options.enabled === false ? "false" : "true",
    debug: options.debug === true ? "true" : "false",
  };
  const current = await readWebPixel(admin);
  if (current) return updateIfChanged(admin, current, settings);

  const created = await requestWithScopes(admin, () => admin.request(WEB_PIXEL_CREATE, { webPixel: { settings: JSON.stringify(settings) } }));
  const { webPixel, userErrors } = created.webPixelCreate;
  // Another install callback (or an operator's script) created it between our read and our create.
  if (userErrors.some((error) => error.code === "TAKEN")) {
    const winner = await readWebPixel(admin);
    if (winner) return updateIfChanged(admin, winner, settings);
  }
  return { action: "created", pixelId: requirePixel(admin, WEB_PIXEL_CREATE.name, webPixel, userErrors).id, settings, changes: [] };
}

export async function readWebPixelStatus(admin: AdminClient, expected: { appUrl: string }): Promise<WebPixelStatus> {
  const pixel = await readWebPixel(admin);
  if (!pixel) return { exists: false, problems: ["no web pixel on the shop"] };
  const settings = parsePixelSettings(pixel.settings);
  if (!settings) return { exists: true, pixelId: pixel.id, problems: [`settings are not a JSON object: ${truncate(String(pixel.settings), 80)}`] };

  const problems: string[] = [];
  const appUrl = normalizeAppUrl(expected.appUrl);
  if (typeof settings.app_url !== "string" || settings.app_url.trim() === "") {
    problems.push("app_url is missing: the pixel sends nothing");
  } else if (stripTrailingSlashes(settings.app_url) !== appUrl) {
    problems.push(`app_url is ${JSON.stringify(settings.app_url)} but the app runs at ${JSON.stringify(appUrl)}`);
  }
  if (settings.enabled === "false") problems.push('enabled is "false": tracking is paused');
  else if (settings.enabled !== "true") problems.push(`enabled is ${JSON.stringify(settings.enabled ?? null)}: the pixel only tracks when it is "true"`);
  if (settings.debug !== undefined && settings.debug !== "true" && settings.debug !== "false") {
    problems.push(`debug is ${JSON.stringify(settings.debug)}: expected "true" or "false"`);
  }
  return { exists: true, pixelId: pixel.id, settings, problems };
}

/** The app's pixel, or null: Shopify answers "No web pixel was found for this app." as an error. */
async function readWebPixel(admin: AdminClient): Promise<WebPixel | null> {
  try {
    const { webPixel } = await requestWithScopes(admin, () => admin.request(WEB_PIXEL));
    return webPixel;
  } catch (error) {
    const noPixel =
      error instanceof AdminApiError &&
      error.code === "GRAPHQL_ERROR" &&
      (error.details.graphQLErrors ?? []).some((detail) => /no web pixel was found/i.test(detail.message));
    if (noPixel) return null;
    throw error;
  }
}

async function updateIfChanged(admin: AdminClient, current: WebPixel, settings: WebPixelSettings): Promise<ActivateWebPixelResult> {
  const changes = describeChanges(parsePixelSettings(current.settings), settings);
  if (changes.length === 0) return { action: "unchanged", pixelId: current.id, settings, changes };
  const updated = await requestWithScopes(admin, () =>
    admin.request(WEB_PIXEL_UPDATE, { id: current.id, webPixel: { settings: JSON.stringify(settings) } }),
  );
  const { webPixel, userErrors } = updated.webPixelUpdate;
  return { action: "updated", pixelId: requirePixel(admin, WEB_PIXEL_UPDATE.name, webPixel, userErrors).id, settings, changes };
}

function requirePixel(admin: AdminClient, operation: string, webPixel: WebPixel | null, userErrors: UserError[]): WebPixel {
  if (userErrors.length > 0) throw new WebPixelUserError(admin.shop, operation, userErrors);
  if (!webPixel) throw new WebPixelUserError(admin.shop, operation, [{ field: null, message: "no pixel returned and no userErrors", code: null }]);
  return webPixel;
}

async function requestWithScopes<T>(admin: AdminClient, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    if (error instanceof AdminApiError && error.code === "ACCESS_DENIED") {
      const required = parseRequiredScopes(error);
      throw new MissingScopeError(admin.shop, error.details.operation, required, scopesToGrant(required));
    }
    throw error;
  }
}

/**
 * Shopify names the scopes in `extensions.requiredAccess` ("`write_pixels` access scope. Also:
 * `read_customer_events` access scope.") and repeats them in the message; either may be absent.
 */
function parseRequiredScopes(error: AdminApiError): string[] {
  const scopes = new Set<string>();
  for (const detail of error.details.graphQLErrors ?? []) {
    if (detail.extensions?.code !== "ACCESS_DENIED") continue;
    const requiredAccess = detail.extensions.requiredAccess;
    const text = `${typeof requiredAccess === "string" ? requiredAccess : ""} ${detail.message}`;
    for (const match of text.matchAll(/\b((?:unauthenticated_)?(?:read|write)_[a-z_]+)\b/g)) scopes.add(match[1]);
  }
  return [...scopes];
}

/** The pixel's scopes plus anything else Shopify named; a `read_x` is covered by granting `write_x`. */
function scopesToGrant(required: string[]): string[] {
  const grant = new Set(PIXEL_SCOPES);
  for (const scope of required) {
    const write = scope.replace(/^read_/, "write_");
    if (!grant.has(scope) && !grant.has(write)) grant.add(scope);
  }
  return [...grant];
}

/** WebPixel.settings is a JSON string (older pixels were sometimes stored double-encoded). */
function parsePixelSettings(raw: unknown): Record<string, unknown> | null {
  let value = raw;
  for (let depth = 0; depth < 2 && typeof value === "string"; depth++) {
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function describeChanges(current: Record<string, unknown> | null, wanted: WebPixelSettings): string[] {
  if (!current) return ["settings were not a JSON object"];
  const keys = [...new Set([...Object.keys(wanted), ...Object.keys(current)])];
  return keys.flatMap((key) => {
    const before = current[key];
    const after = (wanted as unknown as Record<string, unknown>)[key];
    if (before === after) return [];
    if (after === undefined) return [`${key} removed`];
    return [`${key} ${before === undefined ? "unset" : JSON.stringify(before)} → ${JSON.stringify(after)}`];
  });
}

/** The pixel strips trailing slashes too (extensions/ab-test-pixel/src/pixel-settings.ts). */
function normalizeAppUrl(appUrl: string): string {
  const trimmed = stripTrailingSlashes(appUrl);
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new TypeError(`appUrl must be an absolute http(s) URL, got ${JSON.stringify(appUrl)}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new TypeError(`appUrl must be http(s), got ${JSON.stringify(appUrl)}`);
  return trimmed;
}

function stripTrailingSlashes(url: string): string {
  return url.trim().replace(/\/+$/, "");
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length)}…` : text;
}
