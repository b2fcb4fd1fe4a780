/** `npm run bench -- <name>`: runs one benchmark from tools/bench. */
const name = process.argv[2];
const known = ['chat', 'fanout', 'search'];
if (!name || !known.includes(name)) {
  console.error(`usage: npm run bench -- <${known.join('|')}>`);
  process.exit(2);
}
await import(`./${name}.ts`);
