import { Badge } from "@shopify/polaris";

const TONES = { DRAFT: undefined, ACTIVE: "success", PAUSED: "attention", COMPLETED: "info" } as const;

export function StatusBadge({ status }: { status: keyof typeof TONES }) {
  return <Badge tone={TONES[status]}>{status.charAt(0) + status.slice(1).toLowerCase()}</Badge>;
}
