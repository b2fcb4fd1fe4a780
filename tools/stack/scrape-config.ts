import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import {
  type AppSpec,
  expandReplicas,
  instanceName,
  type ObservabilitySpec,
  repoRoot,
  type Topology,
} from './topology.ts';

/** One endpoint Prometheus scrapes; `service` and `instance` are the labels dashboards group by. */
export interface ScrapeTarget {
  /** The Prometheus job: what kind of process (apps, sidecars, dapr-control-plane, envoy...). */
  job: string;
  service: string;
  instance: string;
  port: number;
  metricsPath: string;
}

export type PrometheusSettings = ObservabilitySpec['prometheus'];

/** The alert rules every local Prometheus loads (a Prometheus rule file, checked by promtool). */
export const alertRulesFile = path.join(repoRoot, 'dapr/observability/alerts.yml');

/**
 * Everything of stack.json that serves Prometheus metrics: each app instance's /metrics and its
 * sidecar, placement, scheduler and sentry, the Envoy admin (/stats/prometheus) and the ingress's
 * own sidecar, and Jaeger and Prometheus themselves when there is an observability section.
 * `apps` narrows the app list when a stack starts only some apps (SOULCHAT_TEST_APPS); the
 * ingress targets stay, as the ingress starts whenever an app does.
 */
export function scrapeTargets(topology: Topology, apps: AppSpec[] = topology.apps): ScrapeTarget[] {
  const target = (job: string, service: string, instance: string, port: number, metricsPath = '/metrics') => ({
    job,
    service,
    instance,
    port,
    metricsPath,
  });
  const instances = apps.flatMap(expandReplicas);
  const infra = topology.infrastructure;
  const targets: ScrapeTarget[] = [
    ...instances.map((a) => target('apps', a.id, instanceName(a), a.port)),
    ...instances.map((a) => target('sidecars', a.id, instanceName(a), a.dapr.metricsPort)),
    target('dapr-control-plane', 'placement', 'placement', infra.placement.metricsPort),
    target('dapr-control-plane', 'scheduler', 'scheduler', infra.scheduler.metricsPort),
    target('dapr-control-plane', 'sentry', 'sentry', infra.sentry.metricsPort),
  ];
  const ingress = topology.ingress;
  if (instances.length > 0) {
    targets.push(target('sidecars', 'ingress', 'ingress', ingress.dapr.metricsPort));
    targets.push(target('envoy', 'ingress', 'envoy', ingress.adminPort, '/stats/prometheus'));
  }
  const observability = topology.observability;
  if (observability) {
    targets.push(target('jaeger', 'jaeger', 'jaeger', observability.jaeger.metricsPort));
    targets.push(target('prometheus', 'prometheus', 'prometheus', observability.prometheus.port));
  }
  return targets;
}

/** prometheus.yml: one scrape job per kind of target, one static group per target with its labels. */
export function prometheusConfigText(targets: ScrapeTarget[], settings: PrometheusSettings): string {
  const interval = `${settings.scrapeIntervalSeconds}s`;
  // Each job serves one metrics path (scrapeTargets builds them so).
  const jobs = new Map<string, ScrapeTarget[]>();
  for (const t of targets) jobs.set(t.job, [...(jobs.get(t.job) ?? []), t]);
  const config = {
    global: {
      scrape_interval: interval,
      evaluation_interval: interval,
      // A timeout must not exceed the interval; a slow target is better reported than piled up.
      scrape_timeout: `${Math.max(1, settings.scrapeIntervalSeconds - 1)}s`,
    },
    rule_files: [alertRulesFile],
    scrape_configs: [...jobs.values()].map((group) => ({
      job_name: group[0]?.job,
      metrics_path: group[0]?.metricsPath,
      // Apps label their own series with `service` (prom-client default labels): keep theirs
      // rather than have Prometheus rename it to exported_service beside ours (the same value).
      ...(group[0]?.job === 'apps' ? { honor_labels: true } : {}),
      static_configs: group.map((t) => ({
        targets: [`127.0.0.1:${t.port}`],
        // An explicit instance label replaces host:port, so panels read "chat-2", not a port.
        labels: { service: t.service, instance: t.instance },
      })),
    })),
  };
  return stringify(config);
}

/** Writes <runDir>/observability/prometheus.yml for `targets` and returns its path. */
export function writePrometheusConfig(targets: ScrapeTarget[], settings: PrometheusSettings, runDir: string): string {
  const dir = path.join(runDir, 'observability');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'prometheus.yml');
  writeFileSync(file, prometheusConfigText(targets, settings));
  return file;
}
