// The two ways /track's database work fails, told apart because they are answered differently:
// the database being away or slow is worth a retry (503 + Retry-After); Postgres refusing a request's
// own values is not, and must never fail the other requests that shared its INSERT.

/** The database did not answer in time (down, frozen, overloaded, write queue full); retry later. */
export class DatabaseUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DatabaseUnavailableError";
  }
}

/** Postgres refused these rows themselves (a data or constraint error); a resend would fail again. */
export class RowsRejectedError extends Error {
  constructor(
    readonly sqlState: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "RowsRejectedError";
  }
}

/** SQLSTATE classes 22 (data exception) and 23 (integrity constraint): the values are at fault, not the link. */
export function isDataError(error: unknown): error is Error & { code: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^2[23][0-9A-Z]{3}$/.test(code);
}
