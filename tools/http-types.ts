/**
 * The client's HTTP types, generated from the OpenAPI documents the services serve (built from
 * their routes' zod schemas): `packages/client/src/gen/<service>.ts`. Only what clients may call is
 * kept (routes for sidecars are left out).
 *
 *   node --import tsx tools/http-types.ts [ingress URL]           writes the files (a running stack)
 *   node --import tsx tools/http-types.ts [ingress URL] --check   exits 1 if a file is stale
 *
 * tests/contracts/http-types.test.ts checks the files against the test stack.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { repoRoot } from './stack/topology.ts';

export const clientServices = ['user', 'profile', 'chat', 'notification', 'media'] as const;
export const generatedFile = (service: string) => path.join(repoRoot, 'packages/client/src/gen', `${service}.ts`);

type Operation = { security?: Array<Record<string, unknown>> };
type Document = { paths: Record<string, Record<string, Operation>> };

/** Every service's own: not reachable through the ingress. */
const opsPaths = new Set(['/healthz', '/readyz', '/metrics', '/openapi.json']);

/** Drops the operations only sidecars may call (app-token security), the ops routes, and empty paths. */
function clientFacing(document: Document): Document {
  const paths: Document['paths'] = {};
  for (const [p, operations] of Object.entries(document.paths)) {
    if (opsPaths.has(p)) continue;
    const kept = Object.entries(operations).filter(([, op]) => !op.security?.some((s) => 'appToken' in s));
    if (kept.length > 0) paths[p] = Object.fromEntries(kept);
  }
  return { ...document, paths };
}

export async function generate(ingressUrl: string, service: string): Promise<string> {
  const res = await fetch(`${ingressUrl}/openapi/${service}.json`);
  if (!res.ok) throw new Error(`${service}: the document answered ${res.status}`);
  const document = clientFacing((await res.json()) as Document);
  const body = astToString(await openapiTS(document as unknown as Parameters<typeof openapiTS>[0]));
  return `// Generated from the ${service} service's OpenAPI document by tools/http-types.ts: do not edit.\n${body}`;
}

export async function staleFiles(ingressUrl: string): Promise<string[]> {
  const stale: string[] = [];
  for (const service of clientServices) {
    const current = readFileSync(generatedFile(service), { encoding: 'utf8', flag: 'r' });
    if (current !== (await generate(ingressUrl, service))) stale.push(path.relative(repoRoot, generatedFile(service)));
  }
  return stale;
}

if (process.argv[1] === import.meta.filename) {
  const args = process.argv.slice(2);
  const url = args.find((a) => a.startsWith('http')) ?? 'http://127.0.0.1:8080';
  if (args.includes('--check')) {
    const stale = await staleFiles(url);
    if (stale.length > 0) {
      console.error(`stale: ${stale.join(', ')}; run npm run generate:http-types with the stack running`);
      process.exit(1);
    }
  } else {
    for (const service of clientServices) writeFileSync(generatedFile(service), await generate(url, service));
    console.log(`wrote ${clientServices.map((s) => path.relative(repoRoot, generatedFile(s))).join(', ')}`);
  }
}
