// A cheap, offline accessibility smoke check of a rendered page (no axe: it is not among the project's
// packages). It catches what breaks screen readers outright: images without alt, form controls and
// buttons or links without an accessible name, a page without a language or a top-level heading.
import type { Page } from "playwright-core";

export async function findAccessibilityProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const visible = (element: Element) => {
      const box = (element as HTMLElement).getBoundingClientRect();
      const style = getComputedStyle(element);
      return box.width > 0 && box.height > 0 && style.visibility !== "hidden" && style.display !== "none";
    };
    const describe = (element: Element) => element.outerHTML.slice(0, 160);
    const labelledBy = (element: Element) =>
      (element.getAttribute("aria-labelledby") ?? "")
        .split(/\s+/)
        .filter(Boolean)
        .map((id) => document.getElementById(id)?.textContent?.trim() ?? "")
        .join(" ")
        .trim();
    const nameOf = (element: Element) =>
      element.getAttribute("aria-label")?.trim() ||
      labelledBy(element) ||
      element.textContent?.trim() ||
      [...element.querySelectorAll("img[alt]")].map((img) => img.getAttribute("alt")).join(" ").trim() ||
      element.getAttribute("title")?.trim() ||
      "";

    if (!document.documentElement.lang) problems.push("<html> has no lang");
    if (!document.querySelector("h1")) problems.push("no <h1> on the page");
    for (const img of document.querySelectorAll("img")) {
      if (!img.hasAttribute("alt")) problems.push(`image without alt: ${describe(img)}`);
    }
    for (const control of document.querySelectorAll("input, select, textarea")) {
      const input = control as HTMLInputElement;
      if (input.type === "hidden" || !visible(input.type === "checkbox" || input.type === "radio" ? (input.parentElement ?? input) : input)) continue;
      const labelled = (input.labels?.length ?? 0) > 0 || Boolean(input.getAttribute("aria-label")?.trim()) || Boolean(labelledBy(input));
      if (!labelled) problems.push(`form control without a label: ${describe(input)}`);
    }
    for (const element of document.querySelectorAll("button, a[href], [role=button], [role=link]")) {
      if (!visible(element)) continue;
      if (!nameOf(element)) problems.push(`${element.tagName.toLowerCase()} without an accessible name: ${describe(element)}`);
    }
    return problems;
  });
}
