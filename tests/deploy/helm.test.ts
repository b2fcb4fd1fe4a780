import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { imageRef } from '../../tools/images/images.ts';
import { loadProfile } from '../../tools/stack/resources.ts';
import { loadTopology } from '../../tools/stack/topology.ts';
import {
  chartDir,
  chartProfiles,
  documents,
  helmTemplate,
  renderProfile,
  run,
  tools,
  validateCore,
  validateDapr,
} from './chart.ts';

const work = mkdtempSync(path.join(tmpdir(), 'soulchat-chart-'));
const daprKinds = new Set(['Component', 'Configuration', 'Resiliency', 'Subscription']);
// Not named .yaml: formatters must leave the expected output byte for byte.
const goldenDir = path.join(import.meta.dirname, 'golden');
// With a subscription, so the Subscription template is rendered and validated too.
const subscription = [
  '--set',
  'subscriptions[0].name=profile-user-deleted',
  '--set',
  'subscriptions[0].topic=user.deleted',
];
const subscriptionApp = [
  '--set',
  'subscriptions[0].app=profile',
  '--set',
  'subscriptions[0].route=/events/user-deleted',
];

interface PodSpec {
  securityContext: { runAsUser?: number; fsGroup?: number };
  containers: Array<{
    image: string;
    env: Array<{ name: string; value?: string }>;
    volumeMounts?: Array<{ name: string; mountPath: string }>;
    securityContext: { readOnlyRootFilesystem?: boolean; capabilities?: unknown };
  }>;
  volumes?: Array<{ name: string; emptyDir?: unknown; persistentVolumeClaim?: { claimName: string } }>;
}

interface DeploymentSpec {
  replicas?: number;
  strategy?: { type: string };
  template: { spec: PodSpec };
}

/** The app that must run as one pod: its consumer group is per app id (values: singleInstance). */
const singleInstance = 'search';

const deploymentOf = (docs: ReturnType<typeof documents>, appId: string) =>
  docs.find((d) => d.kind === 'Deployment' && d.metadata.name === `soulchat-${appId}`)?.spec as
    | DeploymentSpec
    | undefined;

function rendered(profile: string): string {
  const r = renderProfile(profile);
  assert.equal(r.status, 0, `helm template (${profile}) failed:\n${r.stderr}`);
  return r.stdout;
}

describe('the Helm chart', () => {
  test('passes helm lint --strict with every values profile', () => {
    for (const profile of chartProfiles) {
      const r = run(tools.helmBin, [
        'lint',
        '--strict',
        chartDir,
        '-f',
        path.join(chartDir, 'profiles', `${profile}.yaml`),
      ]);
      assert.equal(r.status, 0, `helm lint (${profile}):\n${r.stdout}\n${r.stderr}`);
      assert.match(r.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    }
  });

  for (const profile of chartProfiles) {
    test(`profile ${profile}: every manifest passes the Kubernetes ${tools.kubeVersion} and Dapr CRD schemas`, () => {
      const file = path.join(work, `${profile}.yaml`);
      const r = helmTemplate([
        '-f',
        path.join(chartDir, 'profiles', `${profile}.yaml`),
        ...subscription,
        ...subscriptionApp,
      ]);
      assert.equal(r.status, 0, r.stderr);
      writeFileSync(file, r.stdout);
      const docs = documents(r.stdout);
      const core = validateCore(file);
      assert.equal(core.status, 0, `kubernetes-validate:\n${core.stdout}${core.stderr}`);
      const passedCore = core.stdout.split('\n').filter((l) => l.startsWith('INFO') && l.includes(' passed ')).length;
      assert.equal(passedCore, docs.filter((d) => !daprKinds.has(d.kind)).length, 'every core manifest was validated');
      const dapr = validateDapr(file);
      assert.equal(dapr.run.status, 0, `kubeconform:\n${dapr.run.stdout}${dapr.run.stderr}`);
      const validDapr = dapr.result.resources.filter((x) => x.status === 'statusValid');
      assert.deepEqual(
        validDapr.map((x) => x.kind).sort(),
        docs
          .filter((d) => daprKinds.has(d.kind))
          .map((d) => d.kind)
          .sort(),
        'every Dapr resource was validated against its CRD schema',
      );
      assert.ok(validDapr.some((x) => x.kind === 'Subscription'));
    });
  }

  test('the validators reject a misspelt field (they are not vacuous)', () => {
    const good = rendered('kafka-redis');
    const badCore = path.join(work, 'bad-core.yaml');
    writeFileSync(badCore, good.replace('maxUnavailable: 1', 'maxUnavailabel: 1'));
    assert.notEqual(validateCore(badCore).status, 0);
    const badDapr = path.join(work, 'bad-dapr.yaml');
    writeFileSync(badDapr, good.replace('  policies:', '  policys:'));
    const dapr = validateDapr(badDapr);
    assert.notEqual(dapr.run.status, 0);
    assert.equal(dapr.result.summary.invalid, 1);
  });

  test('renders from stack.json and components/: a Deployment per app, the profile components by name', () => {
    const docs = documents(rendered('kafka-mysql'));
    const apps = loadTopology().apps.filter((a) => a.id !== 'skeleton');
    for (const app of apps) {
      const deployment = docs.find((d) => d.kind === 'Deployment' && d.metadata.name === `soulchat-${app.id}`);
      assert.ok(deployment, `a Deployment for ${app.id}`);
      const template = (deployment.spec as { template: { metadata: { annotations: Record<string, string> } } })
        .template;
      assert.equal(template.metadata.annotations['dapr.io/app-id'], app.id);
      assert.equal(template.metadata.annotations['dapr.io/app-port'], String(app.port));
      // The same request body limit as the sidecar `npm start` runs (stack.json dapr.maxBodySize).
      assert.equal(template.metadata.annotations['dapr.io/max-body-size'], app.dapr.maxBodySize, app.id);
      for (const kind of ['Service', 'PodDisruptionBudget']) {
        assert.ok(
          docs.some((d) => d.kind === kind && d.metadata.name === `soulchat-${app.id}`),
          `${kind} ${app.id}`,
        );
      }
      assert.equal(
        docs.some((d) => d.kind === 'HorizontalPodAutoscaler' && d.metadata.name === `soulchat-${app.id}`),
        app.id !== singleInstance,
        `an autoscaler for ${app.id} unless it must run alone`,
      );
      const env = deploymentOf(docs, app.id)?.template.spec.containers[0]?.env.map((e) => e.name) ?? [];
      assert.equal(env.includes('DATABASE_URL'), app.database !== undefined, `${app.id}: DATABASE_URL iff a database`);
    }
    const local = [...loadProfile('kafka-mysql').files.keys()].filter((n) => n !== 'secretstore').sort();
    const components = docs.filter((d) => d.kind === 'Component');
    assert.deepEqual(components.map((c) => c.metadata.name).sort(), local);
    const state = components.find((c) => c.metadata.name === 'statestore');
    const metadata = (state?.spec as { metadata?: unknown[] } | undefined)?.metadata;
    assert.deepEqual(metadata?.[0], {
      name: 'connectionString',
      secretKeyRef: { name: 'soulchat-state-mysql', key: 'connectionString' },
    });
    assert.equal(state?.auth, undefined, 'Kubernetes Secrets, not the local secret store');
  });

  test('names the images npm run images builds, run the way tests/images checks them', () => {
    const tag = '0.1.0-0123456789ab';
    const r = helmTemplate(['--set', 'image.registry=localhost/soulchat', '--set', `image.tag=${tag}`]);
    assert.equal(r.status, 0, r.stderr);
    const docs = documents(r.stdout);
    for (const app of loadTopology().apps.filter((a) => a.id !== 'skeleton')) {
      const deployment = docs.find((d) => d.kind === 'Deployment' && d.metadata.name === `soulchat-${app.id}`);
      const pod = (deployment?.spec as { template: { spec: PodSpec } } | undefined)?.template.spec;
      const container = pod?.containers.find((c) => c.image.includes(`/${app.id}:`));
      assert.equal(container?.image, imageRef(app.id, tag), `${app.id}'s image`);
      assert.equal(pod?.securityContext.runAsUser, 10001, 'the uid the images run as');
      assert.equal(container?.securityContext.readOnlyRootFilesystem, true, 'as test:images runs them');
      assert.deepEqual(container?.securityContext.capabilities, { drop: ['ALL'] });
    }
  });

  test('the search app runs as one pod, never two, with a writable DATA_DIR on a read-only root', () => {
    const deployed = loadTopology().apps.filter((a) => a.id !== 'skeleton');
    // Values that would scale it are overruled: two pods would split its events (values.yaml).
    const scaled = ['--set', `services.${singleInstance}.replicas=3`];
    for (const extra of [[], [...scaled, '--set', `services.${singleInstance}.autoscaling.enabled=true`]]) {
      const r = helmTemplate(extra);
      assert.equal(r.status, 0, r.stderr);
      const docs = documents(r.stdout);
      const search = deploymentOf(docs, singleInstance);
      assert.equal(search?.replicas, 1);
      assert.deepEqual(search?.strategy, { type: 'Recreate' }, 'a rollout stops the old pod before the new one');
      assert.ok(!docs.some((d) => d.kind === 'HorizontalPodAutoscaler' && d.metadata.name.endsWith(singleInstance)));
    }
    const docs = documents(rendered('kafka-redis'));
    for (const app of deployed) {
      const pod = deploymentOf(docs, app.id)?.template.spec;
      const container = pod?.containers[0];
      const dataDir = container?.env.find((e) => e.name === 'DATA_DIR')?.value;
      if (app.id !== singleInstance) {
        assert.equal(dataDir, undefined, `${app.id} keeps no files`);
        assert.equal(pod?.volumes, undefined, `${app.id} has nothing writable`);
        continue;
      }
      const mount = container?.volumeMounts?.find((m) => m.mountPath === dataDir);
      assert.ok(mount, 'DATA_DIR is a mounted volume');
      assert.equal(container?.securityContext.readOnlyRootFilesystem, true);
      assert.deepEqual(pod?.volumes?.find((v) => v.name === mount.name)?.emptyDir, { sizeLimit: '2Gi' });
      assert.equal(pod?.securityContext.fsGroup, 10001, 'the volume is writable by the image uid and gid');
    }
    const claim = helmTemplate(['--set', `services.${singleInstance}.data.persistentVolumeClaim=search-index`]);
    assert.equal(claim.status, 0, claim.stderr);
    const volumes = deploymentOf(documents(claim.stdout), singleInstance)?.template.spec.volumes;
    assert.deepEqual(volumes, [{ name: 'data', persistentVolumeClaim: { claimName: 'search-index' } }]);
  });

  test("an app's env from values reaches its container: the media service's upload limits", () => {
    const r = helmTemplate(['--set', 'services.media.env.MAX_UPLOAD_BYTES=1048576']);
    assert.equal(r.status, 0, r.stderr);
    const env = deploymentOf(documents(r.stdout), 'media')?.template.spec.containers[0]?.env ?? [];
    assert.equal(env.find((e) => e.name === 'MAX_UPLOAD_BYTES')?.value, '1048576');
    assert.equal(env.find((e) => e.name === 'UPLOADS_PER_MINUTE')?.value, '30', 'the defaults of values.yaml stay');
  });

  test('the network policy lets the monitoring namespace scrape each app and each sidecar', () => {
    const policy = documents(rendered('kafka-redis')).find((d) => d.kind === 'NetworkPolicy');
    type Rule = { from: Array<{ namespaceSelector?: unknown }>; ports: Array<{ port: number }> };
    const rules = (policy?.spec as { ingress: Rule[] } | undefined)?.ingress ?? [];
    const monitoring = rules.find((r) => r.from.some((f) => f.namespaceSelector));
    const ports = new Set(monitoring?.ports.map((p) => p.port));
    for (const app of loadTopology().apps.filter((a) => a.id !== 'skeleton'))
      assert.ok(ports.has(app.port), `${app.id}'s /metrics (port ${app.port}) can be scraped`);
    assert.ok(ports.has(9090), "the sidecars' metrics port");
  });

  test('refuses the single-machine profiles and a profile that does not exist, saying why', () => {
    for (const profile of ['memory', 'kafka-sqlite']) {
      const r = helmTemplate(['--set', `components.profile=${profile}`]);
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, new RegExp(`component profile "${profile}" runs on one machine only`));
    }
    const r = helmTemplate(['--set', 'components.profile=nope']);
    assert.match(r.stderr, /unknown component profile "nope"/);
  });

  for (const profile of chartProfiles) {
    test(`profile ${profile} renders as its golden file (UPDATE_GOLDEN=1 to accept a change)`, () => {
      const golden = path.join(goldenDir, `${profile}.golden`);
      const now = rendered(profile);
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden, now);
      assert.equal(now, readFileSync(golden, 'utf8'), `the chart output changed: review it, then UPDATE_GOLDEN=1`);
    });
  }
});
