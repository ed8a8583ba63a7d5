// The extension's settings as the merchant (or the app, through webPixelCreate) configured them.
// Shopify hands every `single_line_text_field` over as a string, so flags are the literal "true".

export interface PixelSettings {
  /** Tracking is paused unless the setting is exactly "true". */
  enabled: boolean;
  debug: boolean;
  /** `${app_url}/track`, or null when app_url is missing or not an http(s) URL. */
  trackUrl: string | null;
}

export function readPixelSettings(settings: Readonly<Record<string, unknown>>): PixelSettings {
  return {
    enabled: settings.enabled === "true",
    debug: settings.debug === "true",
    trackUrl: buildTrackUrl(settings.app_url),
  };
}

function buildTrackUrl(appUrl: unknown): string | null {
  if (typeof appUrl !== "string") return null;
  // Merchants paste URLs with and without a trailing slash; both must reach the same endpoint.
  const base = appUrl.trim().replace(/\/+$/, "");
  return /^https?:\/\/[^\s/?#]+(?:\/[^\s?#]*)?$/i.test(base) ? `${base}/track` : null;
}
