// Daily conversion rate by arm (Polaris Viz). Rendered in the browser only: the chart measures its
// container, which does not exist during server rendering.
import { LineChart, PolarisVizProvider } from "@shopify/polaris-viz";
import { useEffect, useState } from "react";
import type { DailySeriesPoint } from "../lib/statistics";

export function ConversionChart({ series }: { series: DailySeriesPoint[] }) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  if (!mounted) return <div style={{ height: 260 }} />;
  const line = (arm: "control" | "treatment", name: string) => ({
    name,
    data: series.map((point) => ({ key: point.date, value: point[arm].conversionRate === null ? null : Number((point[arm].conversionRate * 100).toFixed(2)) })),
  });
  return (
    <PolarisVizProvider>
      <div style={{ height: 260 }}>
        <LineChart data={[line("control", "Control"), line("treatment", "Treatment")]} yAxisOptions={{ labelFormatter: (value) => `${value}%` }} />
      </div>
    </PolarisVizProvider>
  );
}
