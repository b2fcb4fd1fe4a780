/** Reads the PromQL out of the Grafana dashboards and alert rules, and the metric names out of it. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../../tools/stack/topology.ts';

export const dashboardDir = path.join(repoRoot, 'charts/soulchat/dashboards');
export const alertsFile = path.join(repoRoot, 'dapr/observability/alerts.yml');

export interface Query {
  /** Where it comes from: `<dashboard file> / <panel title>` or `alerts.yml / <alert>`. */
  where: string;
  expr: string;
}

interface Panel {
  title?: string;
  targets?: { expr?: string }[];
  panels?: Panel[];
}

interface Dashboard {
  panels?: Panel[];
  templating?: { list?: { name: string; query?: string | { query?: string } }[] };
}

function panelQueries(file: string, panels: Panel[]): Query[] {
  return panels.flatMap((p) => [
    ...(p.targets ?? []).flatMap((t) => (t.expr ? [{ where: `${file} / ${p.title ?? '?'}`, expr: t.expr }] : [])),
    ...panelQueries(file, p.panels ?? []),
  ]);
}

/** Every panel query of every dashboard, and the query of every templating variable. */
export function dashboardQueries(): Query[] {
  return readdirSync(dashboardDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((file) => {
      const dashboard = JSON.parse(readFileSync(path.join(dashboardDir, file), 'utf8')) as Dashboard;
      const variables = (dashboard.templating?.list ?? []).flatMap((v) => {
        const query = typeof v.query === 'string' ? v.query : v.query?.query;
        // Only Prometheus query variables (label_values(...)): the datasource picker has none.
        return query?.includes('(') ? [{ where: `${file} / $${v.name}`, expr: query }] : [];
      });
      return [...panelQueries(file, dashboard.panels ?? []), ...variables];
    });
}

export interface RuleGroup {
  name: string;
  rules: { alert?: string; record?: string; expr: string }[];
}

export function alertGroups(): RuleGroup[] {
  return (parse(readFileSync(alertsFile, 'utf8')) as { groups: RuleGroup[] }).groups;
}

export function alertQueries(): Query[] {
  return alertGroups().flatMap((g) =>
    g.rules.map((r) => ({ where: `alerts.yml / ${r.alert ?? r.record ?? g.name}`, expr: r.expr })),
  );
}

// Words of PromQL that look like names but are not metrics.
const keywords = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless']);
const nonMetrics = new Set([...keywords, 'bool', 'offset', 'inf', 'nan', 'Inf', 'NaN']);

/**
 * The metric names a PromQL expression selects. Not a full parser: it drops strings, label
 * matchers, ranges and grouping clauses, then keeps each remaining name that is not called as a
 * function or aggregation and is not a keyword. `label_values(m, label)` names `m`.
 */
export function metricNames(expr: string): string[] {
  const labelValues = [...expr.matchAll(/label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,/g)].map((m) => m[1] ?? '');
  const stripped = expr
    .replace(/label_values\([^)]*\)/g, ' ')
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    // Grafana variables ($service, ${x}, $__rate_interval) are not names either.
    .replace(/\$\{?[A-Za-z0-9_]+\}?/g, ' ');
  const names = [...stripped.matchAll(/(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(?!\w)(\s*\()?/g)]
    .filter((m) => m[2] === undefined && !nonMetrics.has(m[1] ?? ''))
    .map((m) => m[1] ?? '');
  return [...new Set([...labelValues, ...names])].sort();
}
