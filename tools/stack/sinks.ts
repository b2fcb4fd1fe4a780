import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Supervisor } from './processes.ts';
import type { Toolchain } from './toolchain.ts';
import type { Topology } from './topology.ts';
import { repoRoot } from './topology.ts';
import { waitForPort } from './wait.ts';

type Infra = Topology['infrastructure'];

/** Where the local sinks leave what they received, under a stack's run dir. */
export const sinkPaths = (runDir: string) => ({
  maildir: path.join(runDir, 'mail', 'maildir'),
  smsFile: path.join(runDir, 'sms', 'messages.jsonl'),
});

/**
 * A real SMTP server (aiosmtpd) that keeps every mail in a Maildir under the run dir: the
 * `email` binding of the local profiles sends here, so nothing leaves the machine.
 */
export async function startMailSink(sup: Supervisor, tools: Toolchain, infra: Infra): Promise<void> {
  const { maildir } = sinkPaths(sup.runDir);
  // aiosmtpd creates the Maildir only when the folder does not exist yet.
  mkdirSync(path.dirname(maildir), { recursive: true });
  const proc = sup.start({
    name: 'mail-sink',
    command: 'python3',
    args: [
      '-m',
      'aiosmtpd',
      '-n',
      '-l',
      `127.0.0.1:${infra.mailSink.port}`,
      '-c',
      'aiosmtpd.handlers.Mailbox',
      maildir,
    ],
    env: { PYTHONPATH: tools.aiosmtpdHome },
  });
  await waitForPort('mail-sink', infra.mailSink.port, { process: proc });
}

/** The local SMS provider endpoint the `sms` binding posts to (tools/stack/sms-sink.ts). */
export async function startSmsSink(sup: Supervisor, infra: Infra): Promise<void> {
  const { smsFile } = sinkPaths(sup.runDir);
  mkdirSync(path.dirname(smsFile), { recursive: true });
  const proc = sup.start({
    name: 'sms-sink',
    command: process.execPath,
    args: ['--import', 'tsx', path.join(repoRoot, 'tools/stack/sms-sink.ts'), String(infra.smsSink.port), smsFile],
    cwd: repoRoot,
  });
  await waitForPort('sms-sink', infra.smsSink.port, { process: proc });
}
