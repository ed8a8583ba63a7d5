// Misbehaviour on demand: each injected failure answers exactly `times` matching requests, then the
// fake answers normally again.
import { z } from "zod";

export const FAILURE_KINDS = ["throttled", "http500", "http429", "http503", "slow", "network"] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];
export type FailureTarget = "graphql" | "images";

export const failureInjectionSchema = z
  .object({
    /** Default: every shop. */
    shop: z.string().min(1).optional(),
    kind: z.enum(FAILURE_KINDS),
    times: z.number().int().positive(),
    /** `slow` only: how long to stall before answering normally. Default 1000. */
    delayMs: z.number().nonnegative().optional(),
    /** `http429` only: the Retry-After header, in seconds. Default 1; tests pass e.g. 0.05. */
    retryAfterSeconds: z.number().nonnegative().optional(),
    /** Default "graphql"; "images" makes the CDN misbehave instead. */
    target: z.enum(["graphql", "images"]).optional(),
  })
  .strict()
  .refine((injection) => !(injection.kind === "throttled" && injection.target === "images"), {
    message: "a CDN cannot answer THROTTLED: use http429 for images",
  });

export type FailureInjection = z.infer<typeof failureInjectionSchema>;

export interface InjectedFailure {
  kind: FailureKind;
  delayMs: number;
  retryAfterSeconds: number;
}

interface PendingFailure extends InjectedFailure {
  shop: string | undefined;
  target: FailureTarget;
  remaining: number;
}

export class FailureQueue {
  private pending: PendingFailure[] = [];

  add(injection: FailureInjection): void {
    const valid = failureInjectionSchema.parse(injection);
    this.pending.push({
      shop: valid.shop,
      target: valid.target ?? "graphql",
      kind: valid.kind,
      delayMs: valid.delayMs ?? 1000,
      retryAfterSeconds: valid.retryAfterSeconds ?? 1,
      remaining: valid.times,
    });
  }

  /** Consumes one occurrence of the oldest failure that applies to this request, if any. */
  take(shop: string, target: FailureTarget): InjectedFailure | undefined {
    const failure = this.pending.find((p) => p.target === target && (p.shop === undefined || p.shop === shop));
    if (!failure) return undefined;
    failure.remaining--;
    if (failure.remaining === 0) this.pending = this.pending.filter((p) => p !== failure);
    return { kind: failure.kind, delayMs: failure.delayMs, retryAfterSeconds: failure.retryAfterSeconds };
  }

  clear(): void {
    this.pending = [];
  }
}
