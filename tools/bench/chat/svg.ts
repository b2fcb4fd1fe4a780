/**
 * The README's chart: send->deliver p99 against offered rate, SoulChat beside the bare relay
 * (straight and behind Envoy),
 * both axes logarithmic, with the 50 ms and 100 ms lines the headline figures are read at.
 */
export interface Series {
  name: string;
  color: string;
  points: Array<{ offered: number; p99Ms: number | null }>;
}

const width = 720;
const height = 420;
const margin = { left: 70, right: 170, top: 50, bottom: 55 };
const plotWidth = width - margin.left - margin.right;
const plotHeight = height - margin.top - margin.bottom;

const escapeXml = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

function logScale(min: number, max: number, size: number, flip: boolean) {
  const span = Math.log10(max) - Math.log10(min);
  return (v: number) => {
    const at = ((Math.log10(Math.min(max, Math.max(min, v))) - Math.log10(min)) / span) * size;
    return Number((flip ? size - at : at).toFixed(1));
  };
}

/** Rates far enough apart on the log axis to be labelled without overlapping. */
function spacedTicks(rates: number[], x: (v: number) => number): number[] {
  const kept: number[] = [];
  for (const r of [...new Set(rates)].sort((a, b) => a - b)) {
    const last = kept.at(-1);
    if (last === undefined || x(r) - x(last) >= 36) kept.push(r);
  }
  return kept;
}

function axes(rates: number[], x: (v: number) => number, y: (v: number) => number, yTicks: number[]): string[] {
  return [
    `<line x1="0" y1="${plotHeight}" x2="${plotWidth}" y2="${plotHeight}" stroke="#333"/>`,
    `<line x1="0" y1="0" x2="0" y2="${plotHeight}" stroke="#333"/>`,
    ...spacedTicks(rates, x).map(
      (r) =>
        `<text x="${x(r)}" y="${plotHeight + 18}" text-anchor="middle" font-size="11">${r}</text>` +
        `<line x1="${x(r)}" y1="${plotHeight}" x2="${x(r)}" y2="${plotHeight + 4}" stroke="#333"/>`,
    ),
    ...yTicks.map(
      (t) =>
        `<text x="-8" y="${y(t) + 4}" text-anchor="end" font-size="11">${t}</text>` +
        `<line x1="0" y1="${y(t)}" x2="${plotWidth}" y2="${y(t)}" stroke="#eee"/>`,
    ),
    `<text x="${plotWidth / 2}" y="${plotHeight + 40}" text-anchor="middle" font-size="12">offered messages per second</text>`,
    `<text transform="translate(-52 ${plotHeight / 2}) rotate(-90)" text-anchor="middle" font-size="12">send → deliver p99 (ms)</text>`,
  ];
}

function limitLine(ms: number, y: (v: number) => number): string {
  return (
    `<line x1="0" y1="${y(ms)}" x2="${plotWidth}" y2="${y(ms)}" stroke="#c33" stroke-dasharray="5 4"/>` +
    `<text x="${plotWidth + 4}" y="${y(ms) + 4}" font-size="11" fill="#c33">${ms} ms</text>`
  );
}

function seriesPath(s: Series, x: (v: number) => number, y: (v: number) => number, legendAt: number): string {
  const points = s.points.filter((p): p is { offered: number; p99Ms: number } => p.p99Ms !== null);
  const line = points.map((p) => `${x(p.offered)},${y(p.p99Ms)}`).join(' ');
  return [
    `<polyline points="${line}" fill="none" stroke="${s.color}" stroke-width="2"/>`,
    ...points.map((p) => `<circle cx="${x(p.offered)}" cy="${y(p.p99Ms)}" r="3.5" fill="${s.color}"/>`),
    `<rect x="${plotWidth + 40}" y="${legendAt - 9}" width="12" height="12" fill="${s.color}"/>`,
    `<text x="${plotWidth + 58}" y="${legendAt + 1}" font-size="12">${escapeXml(s.name)}</text>`,
  ].join('');
}

export function renderChart(series: Series[], rates: number[], limitsMs: number[], caption: string): string {
  const values = series.flatMap((s) => s.points.map((p) => p.p99Ms ?? 0));
  const yMax = 10 ** Math.max(3, Math.ceil(Math.log10(Math.max(1, ...values))));
  const yTicks = Array.from({ length: Math.log10(yMax) + 1 }, (_, i) => 10 ** i);
  const offered = [...rates, ...series.flatMap((s) => s.points.map((p) => p.offered))];
  const x = logScale(Math.min(...offered) * 0.8, Math.max(...offered) * 1.2, plotWidth, false);
  const y = logScale(1, yMax, plotHeight, true);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" role="img">`,
    `<title>Chat benchmark: send to deliver p99 latency against offered messages per second, SoulChat beside a bare relay, straight and behind Envoy (${escapeXml(caption)})</title>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${margin.left}" y="22" font-size="15" font-weight="bold">Chat: send → deliver p99 against offered load</text>`,
    `<text x="${margin.left}" y="38" font-size="11" fill="#555">${escapeXml(caption)}</text>`,
    `<g transform="translate(${margin.left} ${margin.top})">`,
    ...axes(offered, x, y, yTicks),
    ...limitsMs.map((ms) => limitLine(ms, y)),
    ...series.map((s, i) => seriesPath(s, x, y, 30 + i * 22)),
    '</g>',
    '</svg>',
    '',
  ].join('\n');
}
