/**
 * Turns CustomResourceDefinition files into JSON schemas named `<kind>_<version>.json`, the
 * layout `kubeconform -schema-location '<dir>/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json'`
 * reads. Objects that list their properties get `additionalProperties: false` (unless the CRD
 * keeps unknown fields), so a misspelt field in a chart fails validation instead of vanishing.
 * Usage: node --import tsx tools/deploy/crd-schemas.ts <crd-dir> <out-dir>
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

type Schema = { [key: string]: unknown };

interface Crd {
  kind?: string;
  spec?: { names: { kind: string }; versions: { name: string; schema?: { openAPIV3Schema: Schema } }[] };
}

function closeObjects(schema: Schema): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties' && value && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, closeObjects(v as Schema)]));
    } else if ((key === 'items' || key === 'additionalProperties') && value && typeof value === 'object') {
      out[key] = closeObjects(value as Schema);
    } else {
      out[key] = value;
    }
  }
  if (out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  return out;
}

const [crdDir, outDir] = process.argv.slice(2);
if (!crdDir || !outDir) throw new Error('usage: crd-schemas.ts <crd-dir> <out-dir>');
mkdirSync(outDir, { recursive: true });
let written = 0;
for (const file of readdirSync(crdDir).filter((f) => f.endsWith('.yaml'))) {
  for (const doc of parseAllDocuments(readFileSync(path.join(crdDir, file), 'utf8'))) {
    const crd = doc.toJS() as Crd | null;
    if (crd?.kind !== 'CustomResourceDefinition' || !crd.spec) continue;
    for (const version of crd.spec.versions) {
      if (!version.schema) continue;
      const name = `${crd.spec.names.kind.toLowerCase()}_${version.name}.json`;
      writeFileSync(path.join(outDir, name), JSON.stringify(closeObjects(version.schema.openAPIV3Schema), null, 1));
      written++;
    }
  }
}
console.log(`wrote ${written} schemas to ${outDir}`);
