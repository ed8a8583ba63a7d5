// The pixel only loads once the visitor allowed analytics, but the visitor can withdraw (or grant
// again) while the page stays open; every send checks the latest answer.
import type { ExtensionApi } from "@shopify/web-pixels-extension";

export interface ConsentState {
  isAnalyticsAllowed(): boolean;
}

export function trackConsent(
  initial: ExtensionApi["init"]["customerPrivacy"],
  customerPrivacy: ExtensionApi["customerPrivacy"],
): ConsentState {
  let allowed = initial.analyticsProcessingAllowed === true;
  customerPrivacy.subscribe("visitorConsentCollected", (event) => {
    allowed = event.customerPrivacy.analyticsProcessingAllowed === true;
  });
  return { isAnalyticsAllowed: () => allowed };
}
