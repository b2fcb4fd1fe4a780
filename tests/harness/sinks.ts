import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Every mail the local SMTP sink kept for this address (aiosmtpd writes X-RcptTo). */
export function mailsTo(maildir: string, address: string): string[] {
  const inbox = path.join(maildir, 'new');
  if (!existsSync(inbox)) return [];
  return readdirSync(inbox)
    .map((f) => readFileSync(path.join(inbox, f), 'utf8'))
    .filter((mail) => mail.split('\n').some((line) => line.trim() === `X-RcptTo: ${address}`));
}

/** Every request the local SMS sink received for this number, failed ones included. */
export function smsTo(file: string, phone: string): Array<{ text: string; answered: number }> {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { to: string; body: string; answered: number })
    .filter((r) => r.to === phone)
    .map((r) => ({ text: (JSON.parse(r.body) as { text?: string }).text ?? '', answered: r.answered }));
}
