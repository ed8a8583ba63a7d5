import { describe, expect, it } from "vitest";
import { DEFAULT_REVEAL_TIMEOUT_MS, parseEmbedConfig } from "./embed-config";

const TEST = {
  id: "cm4test",
  product: "7001",
  split: 50,
  control: [{ media: "1", url: "//s/a.jpg", alt: "A", width: 100, height: 100 }],
  treatment: [{ media: "2", url: "//s/b.jpg" }],
};
const CONFIG = { test: TEST, root: '[id^="MainProduct-"]', gallery: '[id^="MediaGallery-"]', modal: ".product-media-modal__content", timeout: 1500 };

describe("parseEmbedConfig", () => {
  it("GIVEN the block's JSON THEN it is parsed as is", () => {
    expect(parseEmbedConfig(JSON.stringify(CONFIG))).toEqual(CONFIG);
  });

  it("GIVEN numeric product and media ids THEN they become strings", () => {
    const config = parseEmbedConfig(JSON.stringify({ ...CONFIG, test: { ...TEST, product: 7001, control: [{ media: 1, url: "//s/a.jpg" }] } }));

    expect(config?.test.product).toBe("7001");
    expect(config?.test.control[0].media).toBe("1");
  });

  it.each([
    { name: "no text", text: null },
    { name: "invalid JSON", text: "{" },
    { name: "no test", text: JSON.stringify({ ...CONFIG, test: null }) },
    { name: "a test without id", text: JSON.stringify({ ...CONFIG, test: { ...TEST, id: undefined } }) },
    { name: "a split above 100", text: JSON.stringify({ ...CONFIG, test: { ...TEST, split: 101 } }) },
    { name: "a split that is not a number", text: JSON.stringify({ ...CONFIG, test: { ...TEST, split: "50" } }) },
    { name: "a treatment that is not a list", text: JSON.stringify({ ...CONFIG, test: { ...TEST, treatment: { media: "2" } } }) },
    { name: "an image without url", text: JSON.stringify({ ...CONFIG, test: { ...TEST, treatment: [{ media: "2" }] } }) },
    { name: "a null image", text: JSON.stringify({ ...CONFIG, test: { ...TEST, control: [null] } }) },
  ])("GIVEN $name THEN there is no config (the page is left alone)", ({ text }) => {
    expect(parseEmbedConfig(text)).toBeNull();
  });

  it.each([
    { timeout: 800, expected: 800 },
    { timeout: 60_000, expected: 10_000 },
    { timeout: -1, expected: DEFAULT_REVEAL_TIMEOUT_MS },
    { timeout: undefined, expected: DEFAULT_REVEAL_TIMEOUT_MS },
  ])("GIVEN a timeout of $timeout THEN the reveal timeout is $expected ms", ({ timeout, expected }) => {
    expect(parseEmbedConfig(JSON.stringify({ ...CONFIG, timeout }))?.timeout).toBe(expected);
  });
});
