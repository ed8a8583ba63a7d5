import { describe, expect, it } from "vitest";
import { imageFileKey, readImageWidth, rebuildSrc, rebuildSrcset, setImageWidth } from "./image-urls";

const TREATMENT = "//shop.example/cdn/shop/files/alt.jpg?v=1718000001";

describe("setImageWidth", () => {
  it.each([
    ["//shop.example/cdn/shop/files/a.jpg?v=17", 600, "//shop.example/cdn/shop/files/a.jpg?v=17&width=600"],
    ["//shop.example/cdn/shop/files/a.jpg", 600, "//shop.example/cdn/shop/files/a.jpg?width=600"],
    ["https://cdn.shopify.com/s/files/1/a.jpg?v=17&width=100", 600, "https://cdn.shopify.com/s/files/1/a.jpg?v=17&width=600"],
    ["//shop.example/cdn/shop/files/a.jpg?width=100&v=17", 600, "//shop.example/cdn/shop/files/a.jpg?v=17&width=600"],
    ["//shop.example/cdn/shop/files/a.jpg?v=17#zoom", 600, "//shop.example/cdn/shop/files/a.jpg?v=17&width=600#zoom"],
    ["//shop.example/cdn/shop/files/a.jpg?", 600, "//shop.example/cdn/shop/files/a.jpg?width=600"],
  ])("GIVEN %s WHEN width %i is set THEN the URL is %s", (url, width, expected) => {
    expect(setImageWidth(url, width)).toBe(expected);
  });
});

describe("readImageWidth", () => {
  it.each([
    ["//s/cdn/shop/files/a.jpg?v=1&width=246", 246],
    ["//s/cdn/shop/files/a.jpg?width=1946&v=1", 1946],
    ["//s/cdn/shop/files/a.jpg?v=1", null],
    ["//s/cdn/shop/files/a.jpg?crop_width=40", null],
  ])("GIVEN %s THEN the width is %s", (url, expected) => {
    expect(readImageWidth(url)).toBe(expected);
  });
});

describe("rebuildSrcset", () => {
  it.each([
    {
      name: "Dawn's width list",
      srcset: "//s/cdn/shop/files/a.jpg?v=1&width=246 246w, //s/cdn/shop/files/a.jpg?v=1&width=493 493w, //s/cdn/shop/files/a.jpg?v=1&width=1946 1946w",
      expected: `${TREATMENT}&width=246 246w, ${TREATMENT}&width=493 493w, ${TREATMENT}&width=1946 1946w`,
    },
    {
      name: "width descriptors on URLs without a width parameter",
      srcset: "/a-small.jpg 300w,/a-large.jpg 900w",
      expected: `${TREATMENT}&width=300 300w, ${TREATMENT}&width=900 900w`,
    },
    {
      name: "density descriptors keep the URL's own width",
      srcset: "//s/a.jpg?width=400 1x, //s/a.jpg?width=800 2x",
      expected: `${TREATMENT}&width=400 1x, ${TREATMENT}&width=800 2x`,
    },
    {
      name: "a candidate without descriptor (trailing commas end its URL)",
      srcset: "//s/a.jpg?v=1,, //s/a.jpg?v=1&width=600 600w",
      expected: `${TREATMENT}, ${TREATMENT}&width=600 600w`,
    },
    { name: "extra whitespace", srcset: "  //s/a.jpg?width=100   100w ,\n //s/a.jpg?width=200 200w  ", expected: `${TREATMENT}&width=100 100w, ${TREATMENT}&width=200 200w` },
    { name: "an empty srcset", srcset: "  ", expected: "" },
  ])("GIVEN $name THEN the candidates point at the treatment image with the same widths", ({ srcset, expected }) => {
    expect(rebuildSrcset(srcset, TREATMENT)).toBe(expected);
  });

  it("GIVEN a treatment URL without a query string THEN widths are added as the first parameter", () => {
    expect(rebuildSrcset("//s/a.jpg?v=1&width=246 246w", "//s/b.png")).toBe("//s/b.png?width=246 246w");
  });
});

describe("rebuildSrc", () => {
  it.each([
    ["//s/cdn/shop/files/a.jpg?v=1&width=1946", `${TREATMENT}&width=1946`],
    ["//s/cdn/shop/files/a.jpg?v=1", TREATMENT],
    ["", TREATMENT],
  ])("GIVEN src %j THEN the new src is %s", (src, expected) => {
    expect(rebuildSrc(src, TREATMENT)).toBe(expected);
  });
});

describe("imageFileKey", () => {
  it("GIVEN the same file with another scheme, rendition and cache-buster THEN the keys are equal", () => {
    expect(imageFileKey("https://shop.example/cdn/shop/files/a.jpg?v=1&width=600")).toBe(imageFileKey("//shop.example/cdn/shop/files/a.jpg?v=2"));
    expect(imageFileKey("http://shop.example/cdn/shop/files/a.jpg#x")).toBe("//shop.example/cdn/shop/files/a.jpg");
  });

  it("GIVEN two files THEN the keys differ", () => {
    expect(imageFileKey("//shop.example/cdn/shop/files/a.jpg")).not.toBe(imageFileKey("//shop.example/cdn/shop/files/b.jpg"));
  });
});
