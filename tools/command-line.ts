import { type ParseArgsConfig, parseArgs } from 'node:util';

/**
 * parseArgs for our command-line entry points: `--help` prints the usage and exits 0; an unknown
 * or malformed option prints what is wrong and the usage and exits 2 (no stack trace).
 */
export function parseCommandLine<T extends ParseArgsConfig>(config: T, usage: string) {
  const withHelp = { ...config, options: { ...config.options, help: { type: 'boolean' as const, short: 'h' } } };
  let parsed: ReturnType<typeof parseArgs<typeof withHelp>>;
  try {
    parsed = parseArgs(withHelp);
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${usage}`);
    process.exit(2);
  }
  if ((parsed.values as { help?: boolean }).help) {
    console.log(usage);
    process.exit(0);
  }
  return parsed as unknown as ReturnType<typeof parseArgs<T>>;
}
