// A subset of Shopify's search syntax (the `query:` argument of connections): `field:value` terms
// joined by implicit AND, `OR` between groups, `-term`/`NOT term` negation, quoted values, `*`
// wildcards and `field:>10` comparisons. Like Shopify, an unknown field is ignored with a warning
// rather than failing the query, so the app only notices through `extensions.search`.

export type SearchFieldKind = "text" | "exact" | "number";

export interface SearchField<T> {
  /** text: case-insensitive substring; exact: case-insensitive equality; number: numeric comparison. */
  kind: SearchFieldKind;
  read(item: T): string | number | null | readonly string[];
}

export interface SearchWarning {
  field: string;
  message: string;
}

export interface CompiledSearch<T> {
  matches(item: T): boolean;
  warnings: SearchWarning[];
}

interface Term {
  negated: boolean;
  field: string | null;
  value: string;
}

const TOKEN_PATTERN = /-?(?:[A-Za-z_]+:)?(?:"[^"]*"|[^\s"]+)|"[^"]*"/g;

function tokenize(query: string): Term[][] {
  const groups: Term[][] = [[]];
  let negateNext = false;
  for (const token of query.match(TOKEN_PATTERN) ?? []) {
    if (token === "OR") {
      groups.push([]);
      continue;
    }
    if (token === "AND") continue;
    if (token === "NOT") {
      negateNext = true;
      continue;
    }
    const negated = negateNext || token.startsWith("-");
    negateNext = false;
    const body = token.startsWith("-") ? token.slice(1) : token;
    const fieldMatch = /^([A-Za-z_]+):(.*)$/.exec(body);
    const rawValue = fieldMatch ? fieldMatch[2] : body;
    groups[groups.length - 1].push({
      negated,
      field: fieldMatch ? fieldMatch[1].toLowerCase() : null,
      value: rawValue.replace(/^"(.*)"$/, "$1"),
    });
  }
  return groups.filter((group) => group.length > 0);
}

function wildcardToRegExp(value: string): RegExp {
  const escaped = value.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${escaped.join(".*")}$`, "i");
}

function matchesText(candidate: string, value: string, kind: "text" | "exact"): boolean {
  if (value.includes("*")) {
    const pattern = wildcardToRegExp(value);
    // Shopify tokenizes text, so `title:shirt*` also finds "Blue Shirt".
    return pattern.test(candidate) || (kind === "text" && candidate.split(/\s+/).some((word) => pattern.test(word)));
  }
  return kind === "text"
    ? candidate.toLowerCase().includes(value.toLowerCase())
    : candidate.toLowerCase() === value.toLowerCase();
}

function matchesNumber(candidate: number, value: string): boolean {
  const comparison = /^(>=|<=|>|<)?(.*)$/.exec(value);
  // Ids may be given as gids or as their numeric tail.
  const wanted = Number(/(\d+)$/.exec(comparison?.[2] ?? "")?.[1] ?? Number.NaN);
  switch (comparison?.[1]) {
    case ">=":
      return candidate >= wanted;
    case "<=":
      return candidate <= wanted;
    case ">":
      return candidate > wanted;
    case "<":
      return candidate < wanted;
    default:
      return candidate === wanted;
  }
}

function matchesField<T>(item: T, field: SearchField<T>, value: string): boolean {
  const read = field.read(item);
  const candidates = Array.isArray(read) ? read : [read];
  return candidates.some((candidate) => {
    if (candidate === null) return false;
    if (field.kind === "number") return matchesNumber(Number(candidate), value);
    return matchesText(String(candidate), value, field.kind);
  });
}

export function compileSearchQuery<T>(
  query: string | null | undefined,
  fields: Readonly<Record<string, SearchField<T>>>,
  defaultFields: readonly string[],
): CompiledSearch<T> {
  const warnings: SearchWarning[] = [];
  const groups = tokenize(query ?? "").map((group) =>
    group.filter((term) => {
      if (term.field === null || term.field in fields) return true;
      warnings.push({ field: term.field, message: "Invalid search field for this query." });
      return false;
    }),
  );
  const matchesTerm = (item: T, term: Term): boolean => {
    const hit =
      term.field === null
        ? defaultFields.some((name) => matchesField(item, fields[name], term.value))
        : matchesField(item, fields[term.field], term.value);
    return hit !== term.negated;
  };
  return {
    warnings,
    matches: (item) => groups.length === 0 || groups.some((group) => group.every((term) => matchesTerm(item, term))),
  };
}
