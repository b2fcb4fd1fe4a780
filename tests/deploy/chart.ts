/** Runs the pinned Helm, kubernetes-validate and kubeconform (from tools/paths.sh) on the chart. */
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from '../../tools/stack/topology.ts';

interface DeployTools {
  helmBin: string;
  kubeconformBin: string;
  kubeValidateHome: string;
  daprCrdSchemas: string;
  kubeVersion: string;
  tiltBin: string;
  aiosmtpdHome: string;
}

export const tools = JSON.parse(
  execFileSync('bash', [path.join(repoRoot, 'tools/paths.sh')], { encoding: 'utf8' }),
) as DeployTools;

export const chartDir = path.join(repoRoot, 'charts/soulchat');
/** Values profiles of the chart: charts/soulchat/profiles/<name>.yaml. */
export const chartProfiles = ['kafka-redis', 'redis', 'kafka-mysql', 'smtp-email', 'http-email'];

export interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: string[], env: Record<string, string> = {}): Run {
  const r = spawnSync(command, args, {
    encoding: 'utf8',
    cwd: repoRoot,
    env: { ...process.env, ...env },
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function helmTemplate(extra: string[]): Run {
  return run(tools.helmBin, [
    'template',
    'soulchat',
    chartDir,
    ...['--namespace', 'soulchat', '--kube-version', tools.kubeVersion],
    ...extra,
  ]);
}

export const renderProfile = (profile: string) =>
  helmTemplate(['-f', path.join(chartDir, 'profiles', `${profile}.yaml`)]);

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

export function documents(yamlText: string): Manifest[] {
  return parseAllDocuments(yamlText)
    .map((d) => d.toJS() as Manifest | null)
    .filter((d): d is Manifest => d !== null);
}

/** Core kinds against the Kubernetes schemas of kubernetes-validate (strict: unknown fields fail). */
export function validateCore(file: string): Run {
  return run('python3', ['-m', 'kubernetes_validate', '-k', tools.kubeVersion, '--strict', file], {
    PYTHONPATH: tools.kubeValidateHome,
  });
}

export interface KubeconformResult {
  resources: { kind: string; name: string; status: string; msg: string }[];
  summary: { valid: number; invalid: number; errors: number; skipped: number };
}

/** Dapr kinds against the schemas converted from Dapr's own CRDs (tools/deploy/crd-schemas.ts). */
export function validateDapr(file: string): { run: Run; result: KubeconformResult } {
  const r = run(tools.kubeconformBin, [
    ...['-strict', '-summary', '-verbose', '-output', 'json', '-ignore-missing-schemas'],
    ...['-schema-location', path.join(tools.daprCrdSchemas, '{{.ResourceKind}}_{{.ResourceAPIVersion}}.json')],
    file,
  ]);
  return { run: r, result: JSON.parse(r.stdout) as KubeconformResult };
}
