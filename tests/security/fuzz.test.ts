/**
 * Property-based fuzzing of every public endpoint through Envoy with schemathesis (pinned in
 * tools/versions.env, installed by tools/setup.sh). Each service's OpenAPI document is read from
 * the service's own port at /openapi/<id>.json (the path every app serves, Node or Go), cut down
 * to the paths Envoy routes to that service, and replayed against the Envoy URL with a real
 * access token.
 * FUZZ_MAX_EXAMPLES and FUZZ_SEED tune a run; see README, Security.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { direct, edge, ingress, newPerson, type Person, type ServiceId, serviceIds, stack } from './client.ts';

const from = '127.0.0.44';
/** The fuzz's own client address: its 429s and failed logins stay its own (see fuzz_source.py). */
const fuzzFrom = '127.0.0.45';
const maxExamples = process.env.FUZZ_MAX_EXAMPLES ?? '10';
/** All the services within this; each run is cut off at its share. */
const budgetMs = 300_000;

const repoRoot = path.resolve(import.meta.dirname, '../..');
const schemathesisHome = (
  JSON.parse(execFileSync('bash', [path.join(repoRoot, 'tools/paths.sh')], { encoding: 'utf8' })) as {
    schemathesisHome: string;
  }
).schemathesisHome;

interface Document {
  paths: Record<string, unknown>;
}

/** Envoy's routes for an app: a prefix matches itself and what follows a `/` (README, Ingress). */
function publicPrefixes(id: ServiceId): string[] {
  const app = stack.topology.apps.find((a) => a.id === id);
  assert.ok(app, id);
  return (app.publicRoutes ?? []).flatMap((r) => (typeof r === 'string' ? [r] : r.webSocket ? [] : [r.prefix]));
}

const routed = (docPath: string, prefixes: string[]) =>
  prefixes.some((p) => docPath === p || docPath.startsWith(`${p}/`));

interface Report {
  running_time: number;
  test_cases: { generated: number };
  operations: { tested: number };
  failures: Array<{ type: string; code: string; count: number; operations: string[] }>;
  errors: Array<{ title: string; count: number }>;
}

interface Run {
  service: ServiceId;
  exitCode: number | null;
  report: Report;
  /** As written: the seed is a 128-bit integer, which JSON.parse would round. */
  seed: string;
  serverErrors: ServerError[];
  output: string;
}

interface ServerError {
  request: string;
  status: number;
  body: string;
}

interface ScenarioFinished {
  recorder?: {
    checks?: Record<string, Array<{ name: string; status: string }>>;
    interactions?: Record<
      string,
      {
        request: { method: string; uri: string };
        response: { status_code: number; content?: { $base64?: string } } | null;
      }
    >;
  };
}

/** Every request whose not_a_server_error check failed, with the answer, from the NDJSON events. */
function serverErrorsIn(eventsPath: string): ServerError[] {
  return readFileSync(eventsPath, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{"ScenarioFinished"'))
    .flatMap((line) => {
      // A scenario that made no requests (skipped, say) records no checks.
      const { recorder } = (JSON.parse(line) as { ScenarioFinished: ScenarioFinished }).ScenarioFinished;
      return Object.entries(recorder?.checks ?? {})
        .filter(([, checks]) => checks.some((c) => c.name === 'not_a_server_error' && c.status === 'failure'))
        .map(([caseId]) => {
          const interaction = recorder?.interactions?.[caseId];
          const content = interaction?.response?.content?.$base64;
          return {
            request: `${interaction?.request.method} ${interaction?.request.uri}`,
            status: interaction?.response?.status_code ?? 0,
            body: content ? Buffer.from(content, 'base64').toString('utf8') : '',
          };
        });
    });
}

function fuzz(service: ServiceId, document: string, token: string, dir: string, timeoutMs: number): Promise<Run> {
  const reportPath = path.join(dir, `${service}.report.json`);
  const eventsPath = path.join(dir, `${service}.events.ndjson`);
  const args = [
    '-m',
    'schemathesis.cli',
    'run',
    document,
    '--url',
    ingress.url,
    '--header',
    `Authorization: Bearer ${token}`,
    '--checks',
    'not_a_server_error',
    '--max-examples',
    maxExamples,
    '--request-timeout',
    '30',
    '--workers',
    '1',
    '--no-shrink',
    '--generation-database',
    'none',
    '--report',
    'json,ndjson',
    '--report-json-path',
    reportPath,
    '--report-ndjson-path',
    eventsPath,
    ...(process.env.FUZZ_SEED ? ['--seed', process.env.FUZZ_SEED] : []),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('python3', args, {
      cwd: dir,
      env: {
        ...process.env,
        PYTHONPATH: [import.meta.dirname, schemathesisHome].join(path.delimiter),
        SCHEMATHESIS_HOOKS: 'fuzz_source',
        FUZZ_SOURCE_ADDRESS: fuzzFrom,
        NO_COLOR: '1',
      },
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      output += c.toString();
    });
    // The hard limit. (Not --max-time: schemathesis spends all of that budget, repeating the fuzzing.)
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (exitCode) => {
      clearTimeout(timer);
      try {
        const text = readFileSync(reportPath, 'utf8');
        const seed = /"seed":\s*(\d+)/.exec(text)?.[1] ?? 'unknown';
        const report = JSON.parse(text) as Report;
        resolve({ service, exitCode, report, seed, serverErrors: serverErrorsIn(eventsPath), output });
      } catch (err) {
        const why = (err as Error).message;
        reject(
          new Error(
            `schemathesis on ${service}: no readable report (exit ${exitCode}, ${why}):\n${output.slice(-4000)}`,
          ),
        );
      }
    });
  });
}

describe('fuzzing every public endpoint through Envoy', () => {
  let person: Person;
  before(async () => {
    person = await newPerson(from);
  });

  test('no request gets a 5xx', { timeout: budgetMs + 60_000 }, async (t) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'soulchat-fuzz-'));
    const started = Date.now();
    const runs: Run[] = [];
    for (const [i, service] of serviceIds.entries()) {
      const doc = (await direct<Document>(service, `/openapi/${service}.json`)).body;
      const prefixes = publicPrefixes(service);
      doc.paths = Object.fromEntries(Object.entries(doc.paths).filter(([p]) => routed(p, prefixes)));
      assert.ok(Object.keys(doc.paths).length > 0, `${service} has public paths`);
      const file = path.join(dir, `${service}.openapi.json`);
      writeFileSync(file, JSON.stringify(doc));
      const share = (budgetMs - (Date.now() - started)) / (serviceIds.length - i);
      const run = await fuzz(service, file, person.token, dir, share);
      runs.push(run);
      const { report } = run;
      t.diagnostic(
        `${service}: ${report.operations.tested} operations, ${report.test_cases.generated} cases, ` +
          `${report.running_time.toFixed(1)} s, seed ${run.seed}`,
      );
      // Errors of schemathesis itself (not of the API) are shown, not failed on.
      for (const e of report.errors) t.diagnostic(`${service}: schemathesis error: ${e.title} x${e.count}`);
    }
    const all = runs.flatMap((r) => r.serverErrors.map((e) => ({ service: r.service, ...e })));
    assert.deepEqual(all, [], JSON.stringify(all.slice(0, 20), null, 1));
    // A failed check with no recorded answer would slip through the list above: count them too.
    const counted = runs.reduce(
      (n, r) => n + r.report.failures.filter((f) => f.code === 'ST101').reduce((m, f) => m + f.count, 0),
      0,
    );
    assert.ok(counted <= all.length, `the report counts ${counted} server errors, the events show ${all.length}`);
  });

  test('a path with an encoded control or reserved character is refused with a 4xx at the edge', async () => {
    for (const path of ['/conversations/%01/messages', '/conversations/a%23b/messages']) {
      const reply = await edge(path, { from, token: person.token });
      assert.equal(reply.status, 400, `${path}: ${reply.status} ${reply.text}`);
      assert.equal(reply.json<{ error: { code: string } }>().error.code, 'BAD_REQUEST');
    }
  });
});
