// Test double for the `api` Shopify passes to a web pixel's register() callback: analytics and
// consent buses that record subscribers, a cookie jar, in-memory storages. Test-only; not bundled.
import type {
  BrowserLocalStorage,
  BrowserSessionStorage,
  CustomerPrivacyPayload,
  ExtensionApi,
  PixelEvents,
  RegisterInit,
} from "@shopify/web-pixels-extension";
import { SHOP_DOMAIN, pixelContext } from "./pixel-event-fixtures";

type Handler = (event: unknown) => void;

export interface FakePixelApiOptions {
  settings?: Record<string, string>;
  cookies?: Record<string, string>;
  analyticsProcessingAllowed?: boolean;
  /** The tab's sessionStorage; pass the previous page's to model the shopper's next page. */
  sessionStorage?: BrowserSessionStorage;
}

export interface FakePixelApi {
  api: ExtensionApi;
  cookies: Map<string, string>;
  /** Delivers an event to the pixel's subscribers, as Shopify's analytics bus would. */
  emit<K extends keyof PixelEvents>(name: K, event: PixelEvents[K]): void;
  /** Publishes a visitorConsentCollected event with the given analytics answer. */
  collectConsent(analyticsProcessingAllowed: boolean): void;
  subscribedEventNames(): string[];
}

export const DEFAULT_SETTINGS = { app_url: "https://app.example.com", enabled: "true", debug: "false" };

export function createFakePixelApi({
  settings = DEFAULT_SETTINGS,
  cookies = {},
  analyticsProcessingAllowed = true,
  sessionStorage = createMemoryStorage(),
}: FakePixelApiOptions = {}): FakePixelApi {
  const analyticsHandlers = new Map<string, Handler[]>();
  const consentHandlers: Array<(payload: CustomerPrivacyPayload) => void> = [];
  const jar = new Map(Object.entries(cookies));
  const privacy = (analytics: boolean) => ({
    analyticsProcessingAllowed: analytics,
    marketingAllowed: false,
    preferencesProcessingAllowed: false,
    saleOfDataAllowed: false,
  });

  const init = {
    context: pixelContext,
    data: {
      customer: null,
      cart: null,
      shop: {
        countryCode: "DE",
        myshopifyDomain: SHOP_DOMAIN,
        name: "AB Demo",
        paymentSettings: { currencyCode: "EUR" },
        storefrontUrl: "https://ab-demo.example",
      },
      purchasingCompany: null,
    },
    customerPrivacy: privacy(analyticsProcessingAllowed),
  } satisfies RegisterInit;

  const api: ExtensionApi = {
    settings,
    analytics: {
      subscribe: (name, callback) => {
        analyticsHandlers.set(name, [...(analyticsHandlers.get(name) ?? []), callback as Handler]);
        return () => true;
      },
    },
    browser: {
      cookie: {
        // The sandbox answers "" for a cookie that is not set.
        get: async (name) => (name === undefined ? [...jar].map(([key, value]) => `${key}=${value}`).join("; ") : (jar.get(name) ?? "")),
        set: async (cookieOrName, value) => {
          jar.set(cookieOrName, value ?? "");
          return value ?? "";
        },
      },
      localStorage: createMemoryStorage(),
      sessionStorage,
      sendBeacon: async () => true,
    },
    init,
    _pixelInfo: { id: "pixel-1", type: "APP" },
    customerPrivacy: {
      subscribe: (_name, callback) => {
        consentHandlers.push(callback);
        return () => true;
      },
    },
  };

  return {
    api,
    cookies: jar,
    emit: (name, event) => {
      for (const handler of analyticsHandlers.get(name) ?? []) handler(event);
    },
    collectConsent: (analytics) => {
      for (const handler of consentHandlers) handler({ customerPrivacy: privacy(analytics) });
    },
    subscribedEventNames: () => [...analyticsHandlers.keys()],
  };
}

export function createMemoryStorage(): BrowserLocalStorage {
  const items = new Map<string, string>();
  return {
    clear: async () => items.clear(),
    getItem: async (key) => items.get(key) ?? null,
    key: async (index) => [...items.keys()][index] ?? null,
    length: async () => items.size,
    removeItem: async (key) => {
      items.delete(key);
    },
    setItem: async (key, value) => {
      items.set(key, String(value));
    },
  };
}
