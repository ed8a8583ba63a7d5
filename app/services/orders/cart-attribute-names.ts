// The cart attributes the theme embed writes and the orders/create webhook reads (ADR 008): one owner
// for both sides. A leading `_` hides an attribute from the buyer at checkout. No imports: the embed's
// bundle includes this file.
export const CART_ATTRIBUTE = { visitorId: "_abt_vid", exposures: "_abt_exp" } as const;
