// Test fixtures: standard pixel events shaped exactly like @shopify/web-pixels-extension's types
// (`satisfies` makes a drift in the package's types a compile error here). Test-only; index.ts
// never imports this file, so it is not bundled.
import {
  EventType,
  type CartLine,
  type CheckoutLineItem,
  type Context,
  type DiscountAllocation,
  type PixelEventsCheckoutCompleted,
  type PixelEventsProductAddedToCart,
  type PixelEventsProductViewed,
  type ProductVariant,
} from "@shopify/web-pixels-extension";

export const SHOP_DOMAIN = "ab-demo.myshopify.com";

const location = {
  hash: "",
  host: "ab-demo.example",
  hostname: "ab-demo.example",
  href: "https://ab-demo.example/products/linen-shirt",
  origin: "https://ab-demo.example",
  pathname: "/products/linen-shirt",
  port: "",
  protocol: "https:",
  search: "",
};

export const pixelContext = {
  document: { characterSet: "UTF-8", location, referrer: "", title: "Linen shirt" },
  navigator: { cookieEnabled: true, language: "en-US", languages: ["en-US"], userAgent: "vitest" },
  window: {
    innerHeight: 900,
    innerWidth: 1440,
    location,
    origin: location.origin,
    outerHeight: 900,
    outerWidth: 1440,
    pageXOffset: 0,
    pageYOffset: 0,
    screen: { height: 900, width: 1440 },
    screenX: 0,
    screenY: 0,
    scrollX: 0,
    scrollY: 0,
  },
} satisfies Context;

export interface VariantInput {
  productId: string | null;
  variantId: string | null;
  price?: number;
  currencyCode?: string;
}

export function buildProductVariant({ productId, variantId, price = 20, currencyCode = "EUR" }: VariantInput): ProductVariant {
  return {
    id: variantId,
    image: { src: "//ab-demo.example/cdn/shop/files/shirt.jpg" },
    price: { amount: price, currencyCode },
    product: { id: productId, title: "Linen shirt", type: "Shirts", untranslatedTitle: "Linen shirt", url: "/products/linen-shirt", vendor: "AB Demo" },
    sku: "SHIRT",
    title: "M",
    untranslatedTitle: "M",
  } satisfies ProductVariant;
}

const DEFAULT_TIMESTAMP = "2025-06-01T12:00:00.000Z";

export function buildProductViewedEvent(id: string, variant: VariantInput, timestamp = DEFAULT_TIMESTAMP): PixelEventsProductViewed {
  return {
    clientId: "client-1",
    context: pixelContext,
    data: { productVariant: buildProductVariant(variant) },
    id,
    name: "product_viewed",
    seq: 1,
    timestamp,
    type: EventType.Standard,
  } satisfies PixelEventsProductViewed;
}

export function buildProductAddedToCartEvent(id: string, variant: VariantInput, quantity: number): PixelEventsProductAddedToCart {
  const merchandise = buildProductVariant(variant);
  const cartLine = {
    cost: { totalAmount: { amount: merchandise.price.amount * quantity, currencyCode: merchandise.price.currencyCode } },
    merchandise,
    quantity,
  } satisfies CartLine;
  return {
    clientId: "client-1",
    context: pixelContext,
    data: { cartLine },
    id,
    name: "product_added_to_cart",
    seq: 2,
    timestamp: DEFAULT_TIMESTAMP,
    type: EventType.Standard,
  } satisfies PixelEventsProductAddedToCart;
}

export interface CheckoutLineInput extends VariantInput {
  quantity: number;
  finalLinePrice: number;
  /** Amounts of the line's discount allocations. */
  discounts?: number[];
}

export function buildCheckoutLine(input: CheckoutLineInput): CheckoutLineItem {
  const currencyCode = input.currencyCode ?? "EUR";
  const discountAllocations = (input.discounts ?? []).map(
    (amount) =>
      ({
        amount: { amount, currencyCode },
        discountApplication: {
          allocationMethod: "ACROSS",
          targetSelection: "ALL",
          targetType: "LINE_ITEM",
          title: "SUMMER",
          type: "DISCOUNT_CODE",
          value: { percentage: 10 },
        },
      }) satisfies DiscountAllocation,
  );
  return {
    discountAllocations,
    finalLinePrice: { amount: input.finalLinePrice, currencyCode },
    id: `line-${input.variantId ?? "none"}`,
    properties: [],
    quantity: input.quantity,
    sellingPlanAllocation: null,
    title: "Linen shirt",
    variant: input.variantId === null && input.productId === null ? null : buildProductVariant(input),
  } satisfies CheckoutLineItem;
}

export function buildCheckoutCompletedEvent(
  id: string,
  lineItems: CheckoutLineItem[],
  { orderId = "gid://shopify/OrderIdentity/9001", currencyCode = "EUR" }: { orderId?: string | null; currencyCode?: string } = {},
): PixelEventsCheckoutCompleted {
  const money = (amount: number) => ({ amount, currencyCode });
  // Legacy-checkout lines in tests lack finalLinePrice although the type declares it.
  const subtotal = lineItems.reduce((sum, line) => sum + (line.finalLinePrice?.amount ?? 0), 0);
  return {
    clientId: "client-1",
    context: pixelContext,
    data: {
      checkout: {
        attributes: [],
        billingAddress: null,
        buyerAcceptsEmailMarketing: false,
        buyerAcceptsSmsMarketing: false,
        currencyCode,
        delivery: null,
        discountApplications: [],
        discountsAmount: money(0),
        email: "buyer@example.com",
        lineItems,
        localization: { country: { isoCode: "DE" }, language: { isoCode: "de" }, market: { handle: "de", id: "gid://shopify/Market/1" } },
        order: { customer: null, id: orderId },
        phone: null,
        shippingAddress: null,
        shippingLine: { price: money(4.9) },
        smsMarketingPhone: null,
        // The checkout totals include shipping and tax: never what a PURCHASE reports as revenue.
        subtotalPrice: money(subtotal),
        token: "checkout-token-1",
        totalPrice: money(subtotal + 4.9),
        totalTax: money(0),
        transactions: [],
      },
    },
    id,
    name: "checkout_completed",
    seq: 9,
    timestamp: "2025-06-01T12:30:00.000Z",
    type: EventType.Standard,
  } satisfies PixelEventsCheckoutCompleted;
}
