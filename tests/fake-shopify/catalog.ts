// Seed data for the fake Admin API: the shapes a test hands in, and a deterministic generator of
// realistic catalogs (same options → same products, byte for byte).

export type FakeProductStatus = "ACTIVE" | "DRAFT" | "ARCHIVED";

export interface FakeImage {
  /** gid://shopify/MediaImage/N — the Media node. */
  id: string;
  /** gid://shopify/ProductImage/N — the id of its `image` object, which Shopify keeps distinct. */
  imageId: string;
  /** Served at `${origin}/cdn/{shopDomain}/files/{fileName}.png?v=1`; unique within a shop. */
  fileName: string;
  alt: string | null;
  width: number;
  height: number;
}

export interface FakeSelectedOption {
  name: string;
  value: string;
}

export interface FakeVariant {
  /** gid://shopify/ProductVariant/N */
  id: string;
  title: string;
  sku: string | null;
  /** Money scalar: a decimal string such as "19.99". */
  price: string;
  compareAtPrice: string | null;
  inventoryQuantity: number;
  selectedOptions: FakeSelectedOption[];
  /** The MediaImage gid (one of the product's media) shown for this variant, if any. */
  mediaId: string | null;
}

export interface FakeProduct {
  /** gid://shopify/Product/N */
  id: string;
  title: string;
  handle: string;
  status: FakeProductStatus;
  vendor: string;
  productType: string;
  tags: string[];
  createdAt: string;
  updatedAt: string;
  /** In display order; the first one is the featured media. */
  media: FakeImage[];
  /** In position order. */
  variants: FakeVariant[];
}

/** Web pixel settings field types Shopify allows in `shopify.extension.toml`. */
export type PixelSettingsFieldType = "single_line_text_field" | "multi_line_text_field";

export interface FakeShopSeed {
  /** e.g. "demo.myshopify.com" */
  domain: string;
  /** Default `shpat_test_${domain}`. */
  accessToken?: string;
  name?: string;
  email?: string;
  ianaTimezone?: string;
  currencyCode?: string;
  /** Host of the storefront's primary domain; default the myshopify domain. */
  primaryDomainHost?: string;
  products?: FakeProduct[];
  /** Default DEFAULT_GRANTED_SCOPES. `write_x` implies `read_x`, as on Shopify. */
  grantedScopes?: string[];
  /** The app's web pixel if it already exists on the shop. */
  pixelSettings?: Record<string, unknown>;
  /** How long an asynchronous job (productReorderMedia) takes to run; default DEFAULT_JOB_DURATION_MS. */
  jobDurationMs?: number;
  /** How long its bulk operations run (ms); default DEFAULT_BULK_DURATION_MS. */
  bulkDurationMs?: number;
  /** The settings definition of the app's pixel extension; when absent any JSON object is accepted. */
  pixelSettingsFields?: Record<string, PixelSettingsFieldType>;
}

export interface GenerateCatalogOptions {
  products: number;
  variantsPerProduct?: number;
  /** Images of a product that has images; every 8th product (index 5, 13, …) has none. */
  imagesPerProduct?: number;
  /** Different seeds give different titles and prices, and disjoint id ranges. */
  seed?: number;
  titlePrefix?: string;
}

const ADJECTIVES = [
  "Classic", "Vintage", "Organic", "Everyday", "Premium", "Lightweight", "Handmade", "Recycled", "Cozy", "Rugged", "Minimal", "Coastal",
];
const MATERIALS = ["Cotton", "Linen", "Wool", "Leather", "Canvas", "Denim", "Bamboo", "Ceramic", "Oak", "Merino", "Cashmere", "Hemp"];
const NOUNS: ReadonlyArray<readonly [noun: string, productType: string]> = [
  ["Tee", "Shirts"], ["Hoodie", "Sweaters"], ["Tote Bag", "Bags"], ["Beanie", "Hats"], ["Mug", "Kitchen"], ["Scarf", "Accessories"],
  ["Sneakers", "Shoes"], ["Backpack", "Bags"], ["Throw Blanket", "Home"], ["Wallet", "Accessories"], ["Jacket", "Outerwear"], ["Socks", "Socks"],
];
const VENDORS = ["Northwind Supply", "Acme Goods", "Maple & Co", "Blue Harbor", "Studio Fern"];
const SIZES = ["XS", "S", "M", "L", "XL", "XXL"];
const COLORS = ["Black", "White", "Navy", "Olive", "Sand", "Rust", "Sky", "Charcoal"];
// Small on purpose (the fake serves real PNGs of exactly this size) but with varied aspect ratios.
const IMAGE_SIZES: ReadonlyArray<readonly [width: number, height: number]> = [[64, 64], [80, 100], [120, 80], [96, 96]];

// Realistically large ids (Shopify's are ~13–14 digits) still below 2^53, so code that squeezes ids
// into 32-bit integers fails here as it would in production.
const PRODUCT_ID_BASE = 8_000_000_000_000;
const VARIANT_ID_BASE = 45_000_000_000_000;
const MEDIA_ID_BASE = 31_000_000_000_000;
const PRODUCT_IMAGE_ID_BASE = 40_000_000_000_000;
const IDS_PER_SEED = 100_000_000;

// mulberry32: tiny, seedable, and identical on every platform, unlike Math.random.
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function slugify(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

function formatPrice(amount: number): string {
  return amount.toFixed(2);
}

export function generateCatalog(options: GenerateCatalogOptions): FakeProduct[] {
  const { products: productCount, variantsPerProduct = 3, imagesPerProduct = 3, seed = 1, titlePrefix = "" } = options;
  const random = createRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const idBlock = (Math.abs(Math.trunc(seed)) % 10_000) * IDS_PER_SEED;
  const usedHandles = new Set<string>();
  let variantCounter = 0;
  let mediaCounter = 0;
  const catalog: FakeProduct[] = [];

  for (let index = 0; index < productCount; index++) {
    const [noun, productType] = pick(NOUNS);
    const title = `${titlePrefix}${pick(ADJECTIVES)} ${pick(MATERIALS)} ${noun}`;
    // Shopify keeps handles unique by suffixing a counter, so duplicates of a title do exist.
    let handle = slugify(title);
    for (let n = 1; usedHandles.has(handle); n++) handle = `${slugify(title)}-${n}`;
    usedHandles.add(handle);
    const vendor = pick(VENDORS);
    const createdAt = new Date(Date.UTC(2024, 0, 1) + index * 3_600_000).toISOString();
    const updatedAt = new Date(Date.parse(createdAt) + Math.floor(random() * 90) * 86_400_000).toISOString();
    const statusRoll = random();
    const status: FakeProductStatus = statusRoll < 0.85 ? "ACTIVE" : statusRoll < 0.95 ? "DRAFT" : "ARCHIVED";

    const media: FakeImage[] = [];
    const imageCount = index % 8 === 5 ? 0 : imagesPerProduct;
    for (let position = 0; position < imageCount; position++) {
      mediaCounter++;
      const [width, height] = IMAGE_SIZES[(index + position) % IMAGE_SIZES.length];
      media.push({
        id: `gid://shopify/MediaImage/${MEDIA_ID_BASE + idBlock + mediaCounter}`,
        imageId: `gid://shopify/ProductImage/${PRODUCT_IMAGE_ID_BASE + idBlock + mediaCounter}`,
        fileName: `${handle}-${position + 1}`,
        alt: random() < 0.2 ? null : `${title} — view ${position + 1}`,
        width,
        height,
      });
    }

    const basePrice = 5 + Math.floor(random() * 195);
    const colorOffset = Math.floor(random() * COLORS.length);
    const variants: FakeVariant[] = [];
    for (let position = 0; position < variantsPerProduct; position++) {
      variantCounter++;
      const isDefault = variantsPerProduct === 1;
      const size = SIZES[position % SIZES.length];
      const color = COLORS[(colorOffset + Math.floor(position / SIZES.length)) % COLORS.length];
      const price = basePrice + (position % SIZES.length) * 2 + (random() < 0.5 ? 0.99 : 0.5);
      // Every 4th variant (staggered by product) shows no image, which the app must cope with.
      const hasImage = media.length > 0 && (index + position) % 4 !== 3;
      variants.push({
        id: `gid://shopify/ProductVariant/${VARIANT_ID_BASE + idBlock + variantCounter}`,
        title: isDefault ? "Default Title" : `${size} / ${color}`,
        sku: `${slugify(vendor).slice(0, 4).toUpperCase()}-${String(index + 1).padStart(5, "0")}-${position + 1}`,
        price: formatPrice(price),
        compareAtPrice: random() < 0.25 ? formatPrice(price * 1.3) : null,
        inventoryQuantity: Math.floor(random() * 120),
        selectedOptions: isDefault
          ? [{ name: "Title", value: "Default Title" }]
          : [{ name: "Size", value: size }, { name: "Color", value: color }],
        mediaId: hasImage ? media[position % media.length].id : null,
      });
    }

    catalog.push({
      id: `gid://shopify/Product/${PRODUCT_ID_BASE + idBlock + index + 1}`,
      title,
      handle,
      status,
      vendor,
      productType,
      tags: [productType.toLowerCase(), pick(["new", "sale", "bestseller", "gift"])],
      createdAt,
      updatedAt,
      media,
      variants,
    });
  }
  return catalog;
}
