// Daily conversion rate by arm (Polaris Viz). Rendered in the browser only: the chart measures its
// container, which does not exist during server rendering.
//
// The legend is drawn here, not by Polaris Viz: Polaris Viz gives the chart its container's height
// minus its legend's measured height, and in Chromium that first measurement came out far too tall,
// sizing the chart negative until the next resize (logged as "<svg> attribute height: A negative value
// is not valid"). The colours are Polaris Viz's first two light-theme series colours, set explicitly
// so line and legend agree.
import { InlineStack, Text } from "@shopify/polaris";
import { LineChart, PolarisVizProvider } from "@shopify/polaris-viz";
import { useEffect, useState } from "react";
import type { DailySeriesPoint } from "../lib/statistics";

const ARMS = [
  { arm: "control", name: "Control", color: "#13ACF0" },
  { arm: "treatment", name: "Treatment", color: "#6A42E9" },
] as const;

export function ConversionChart({ series }: { series: DailySeriesPoint[] }) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  if (!mounted) return <div style={{ height: 260 }} />;
  const data = ARMS.map(({ arm, name, color }) => ({
    name,
    color,
    data: series.map((point) => ({ key: point.date, value: point[arm].conversionRate === null ? null : Number((point[arm].conversionRate * 100).toFixed(2)) })),
  }));
  return (
    <PolarisVizProvider>
      <div style={{ height: 232 }}>
        <LineChart data={data} showLegend={false} yAxisOptions={{ labelFormatter: (value) => `${value}%` }} />
      </div>
      <div style={{ height: 28, paddingTop: 12 }}>
        <InlineStack gap="400" align="center" blockAlign="center">
          {ARMS.map(({ name, color }) => (
            <InlineStack key={name} gap="150" blockAlign="center">
              <span aria-hidden="true" style={{ display: "inline-block", width: 12, height: 2, background: color }} />
              <Text as="span" variant="bodySm" tone="subdued">
                {name}
              </Text>
            </InlineStack>
          ))}
        </InlineStack>
      </div>
    </PolarisVizProvider>
  );
}
