import type { Child } from 'hono/jsx';

/**
 * Charts drawn on the server for the Insights pages: plain SVG with a title and a description
 * (role="img"), with a table or list of the same numbers (ChartNumbers folds it away).
 */

/**
 * The table of a chart's numbers, one click away ("Show the numbers", named after the chart for
 * screen readers): the chart's description says them too, and the page stays short.
 */
export function ChartNumbers({ chart, children }: { chart: string; children: Child }) {
  return (
    <details class="chart-numbers">
      <summary>
        Show the numbers<span class="visually-hidden"> of the chart “{chart}”</span>
      </summary>
      {children}
    </details>
  );
}

export interface Bar {
  label: string;
  value: number;
  text: string;
}

/**
 * A horizontal bar chart drawn on the server. Bars use the text colour (so they keep their
 * contrast in any theme) and every bar carries its number as text: nothing rests on colour.
 */
export function BarChart({
  id,
  title,
  desc,
  bars,
  max,
  marker,
  labelWidth = 240,
}: {
  id: string;
  title: string;
  desc: string;
  bars: Bar[];
  max: number;
  marker?: number;
  labelWidth?: number;
}) {
  const barWidth = 300;
  const row = 30;
  const height = bars.length * row + 10;
  const x = (v: number) => labelWidth + (max > 0 ? (Math.max(0, Math.min(v, max)) / max) * barWidth : 0);
  const width = labelWidth + barWidth + 60;
  // Full width but a fixed height, aligned left: never larger than its natural size on wide
  // screens, scaled down to fit on narrow ones (no inline styles are allowed under the CSP).
  return (
    <div class="insights-chart">
      <svg
        id={id}
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        height={height}
        preserveAspectRatio="xMinYMin meet"
        fill="currentColor"
      >
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{desc}</desc>
        {bars.map((b, i) => (
          <g>
            <text x={labelWidth - 8} y={i * row + 22} text-anchor="end" font-size="14">
              {b.label}
            </text>
            <rect x={labelWidth} y={i * row + 8} width={barWidth} height="18" fill="none" stroke="currentColor" stroke-width="1" />
            <rect x={labelWidth} y={i * row + 8} width={x(b.value) - labelWidth} height="18" />
            <text x={labelWidth + barWidth + 8} y={i * row + 22} font-size="14">
              {b.text}
            </text>
          </g>
        ))}
        {marker !== undefined ? (
          <line x1={x(marker)} x2={x(marker)} y1="2" y2={height - 2} stroke="currentColor" stroke-width="2" stroke-dasharray="4 3" />
        ) : null}
      </svg>
    </div>
  );
}
