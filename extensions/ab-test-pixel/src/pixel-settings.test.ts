import { describe, expect, it } from "vitest";
import { readPixelSettings } from "./pixel-settings";

describe("readPixelSettings", () => {
  it.each<[Record<string, unknown>, { enabled: boolean; debug: boolean; trackUrl: string | null }]>([
    [{ app_url: "https://app.example.com", enabled: "true", debug: "false" }, { enabled: true, debug: false, trackUrl: "https://app.example.com/track" }],
    [{ app_url: "https://app.example.com/", enabled: "true", debug: "true" }, { enabled: true, debug: true, trackUrl: "https://app.example.com/track" }],
    [{ app_url: "http://localhost:3000", enabled: "false" }, { enabled: false, debug: false, trackUrl: "http://localhost:3000/track" }],
    [{ app_url: "https://app.example.com/prefix//", enabled: "TRUE" }, { enabled: false, debug: false, trackUrl: "https://app.example.com/prefix/track" }],
    [{ app_url: "app.example.com", enabled: "true" }, { enabled: true, debug: false, trackUrl: null }],
    [{ app_url: "https://app.example.com?x=1", enabled: "true" }, { enabled: true, debug: false, trackUrl: null }],
    [{ app_url: "javascript:alert(1)", enabled: "true" }, { enabled: true, debug: false, trackUrl: null }],
    [{ app_url: 42, enabled: true, debug: true }, { enabled: false, debug: false, trackUrl: null }],
    [{}, { enabled: false, debug: false, trackUrl: null }],
  ])("GIVEN settings %j THEN they read as %j", (settings, expected) => {
    expect(readPixelSettings(settings)).toEqual(expected);
  });
});
