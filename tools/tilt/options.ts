import path from 'node:path';
import { parseCommandLine } from '../command-line.ts';
import { repoRoot } from '../stack/topology.ts';

/** The options the Tiltfile passes to plan.ts and piece.ts (from `tilt up -- --port-offset N`). */
export function tiltOptions(args: string[]) {
  const { values, positionals } = parseCommandLine(
    {
      args,
      allowPositionals: true,
      options: {
        'port-offset': { type: 'string', default: '0' },
        'run-dir': { type: 'string', default: path.join(repoRoot, '.run', 'tilt') },
        profile: { type: 'string' },
      },
    },
    'usage: tilt up [-- --port-offset N] [--run-dir DIR] [--profile NAME]',
  );
  return {
    portOffset: Number(values['port-offset']),
    runDir: path.resolve(repoRoot, values['run-dir']),
    profile: values.profile,
    positionals,
  };
}

export type TiltOptions = ReturnType<typeof tiltOptions>;

/** The arguments that reproduce `options` on a piece's command line. */
export const optionArgs = (o: TiltOptions) => [
  ...['--port-offset', String(o.portOffset), '--run-dir', o.runDir],
  ...(o.profile ? ['--profile', o.profile] : []),
];
