import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { Stack } from '../../tools/stack/stack.ts';
import { portOpen } from '../../tools/stack/wait.ts';
import { tools } from '../deploy/chart.ts';
import { eventually, freePort } from '../harness/stack.ts';
import { profileOffsets, startProfileStack } from './profile-stack.ts';

/**
 * The `email` output binding, invoked through a sidecar exactly as the notification service will:
 * same component name, same request, whichever kind the profile picked.
 */
async function sendEmail(stack: Stack, to: string, subject: string, text: string): Promise<number> {
  const sidecar = stack.info.apps.find((a) => a.id === 'skeleton');
  assert.ok(sidecar);
  const res = await fetch(`http://127.0.0.1:${sidecar.daprHttpPort}/v1.0/bindings/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'dapr-api-token': sidecar.daprApiToken },
    // bindings.smtp reads emailTo and subject; bindings.http forwards only metadata keys that start
    // with a capital letter, as headers. Sending both spellings keeps the request kind-agnostic.
    body: JSON.stringify({
      operation: 'create',
      data: text,
      metadata: { emailTo: to, subject, 'X-Email-To': to, 'X-Email-Subject': subject },
    }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = await res.text();
  assert.ok(res.status < 300, `binding answered ${res.status}: ${body}`);
  return res.status;
}

/** A real SMTP server (aiosmtpd from PyPI, installed by tools/setup.sh) writing a Maildir. */
async function startSmtpServer(): Promise<{ port: number; maildir: string; proc: ChildProcess }> {
  const port = await freePort();
  // aiosmtpd creates the Maildir (new/, cur/, tmp/) only when the folder does not exist yet.
  const maildir = path.join(mkdtempSync(path.join(tmpdir(), 'soulchat-smtp-')), 'maildir');
  const proc = spawn(
    'python3',
    ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`, '-c', 'aiosmtpd.handlers.Mailbox', maildir],
    { env: { ...process.env, PYTHONPATH: tools.aiosmtpdHome }, stdio: 'ignore' },
  );
  assert.ok(await eventually(() => portOpen(port), Boolean, 15_000), 'the SMTP server listens');
  return { port, maildir, proc };
}

describe('the email binding on each kind', { timeout: 600_000 }, () => {
  test('smtp-email: a message sent through the sidecar arrives at a local SMTP server', async () => {
    const smtp = await startSmtpServer();
    process.env.SOULCHAT_SMTP_PORT = String(smtp.port);
    const stack = await startProfileStack('smtp-email', profileOffsets.email, ['skeleton']);
    try {
      await sendEmail(stack, 'alice@example.test', 'Welcome to SoulChat', 'Hello Alice, welcome aboard.');
      const inbox = path.join(smtp.maildir, 'new');
      const files = await eventually(
        async () => readdirSync(inbox),
        (f) => f.length > 0,
        15_000,
      );
      assert.equal(files.length, 1);
      const mail = readFileSync(path.join(inbox, files[0] ?? ''), 'utf8');
      assert.match(mail, /^Subject: Welcome to SoulChat$/m);
      assert.match(mail, /^X-RcptTo: alice@example\.test$/m);
      assert.match(mail, /^X-MailFrom: no-reply@soulchat\.local$/m);
      assert.match(mail, /Hello Alice, welcome aboard\./);
    } finally {
      delete process.env.SOULCHAT_SMTP_PORT;
      await stack.stop();
      smtp.proc.kill();
    }
  });

  test('http-email: the same request reaches an email provider endpoint over HTTP', async () => {
    const received: {
      method: string | undefined;
      url: string | undefined;
      headers: IncomingHttpHeaders;
      body: string;
    }[] = [];
    const sink = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => {
        body += d.toString();
      });
      req.on('end', () => {
        received.push({ method: req.method, url: req.url, headers: req.headers, body });
        res.writeHead(202, { 'content-type': 'application/json' }).end('{"queued":true}');
      });
    });
    const port = await freePort();
    await new Promise<void>((resolve) => sink.listen(port, '127.0.0.1', resolve));
    process.env.SOULCHAT_EMAIL_HTTP_URL = `http://127.0.0.1:${port}/v1/email`;
    const stack = await startProfileStack('http-email', profileOffsets.email, ['skeleton']);
    try {
      await sendEmail(stack, 'bob@example.test', 'Welcome to SoulChat', 'Hello Bob, welcome aboard.');
      assert.equal(received.length, 1);
      const [request] = received;
      assert.equal(request?.method, 'POST');
      assert.equal(request?.url, '/v1/email');
      assert.equal(request?.headers['x-email-to'], 'bob@example.test');
      assert.equal(request?.headers['x-email-subject'], 'Welcome to SoulChat');
      assert.match(request?.body ?? '', /Hello Bob, welcome aboard\./);
    } finally {
      delete process.env.SOULCHAT_EMAIL_HTTP_URL;
      await stack.stop();
      sink.close();
    }
  });
});
