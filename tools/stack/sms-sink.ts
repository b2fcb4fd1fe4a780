/**
 * A local stand-in for an SMS provider's HTTP API, for `npm start` and the tests: it appends
 * every message it receives to a JSON-lines file that people and tests read. Numbers under the
 * unassigned country code +999 are answered 503, so the failure path can be exercised for real.
 *
 * Usage: node --import tsx tools/stack/sms-sink.ts <port> <file>
 */
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:http';

const [port, file] = [Number(process.argv[2]), process.argv[3] ?? ''];
if (!Number.isInteger(port) || file === '') {
  console.error('usage: sms-sink.ts <port> <file>');
  process.exit(2);
}

const server = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => {
    body += chunk;
  });
  req.on('end', () => {
    const to = String(req.headers['x-sms-to'] ?? '');
    const failing = to.startsWith('+999');
    appendFileSync(
      file,
      `${JSON.stringify({ at: new Date().toISOString(), method: req.method, path: req.url, to, body, answered: failing ? 503 : 202 })}\n`,
    );
    res.writeHead(failing ? 503 : 202, { 'content-type': 'application/json' });
    res.end(JSON.stringify(failing ? { error: 'provider unavailable for this number' } : { accepted: true }));
  });
});
server.listen(port, '127.0.0.1', () => console.log(`sms sink on 127.0.0.1:${port}, writing ${file}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
