/** Notifications list newest first by their row sequence; the cursor is the last one seen. */
export function encodeCursor(seq: number): string {
  return Buffer.from(`n:${seq}`, 'utf8').toString('base64url');
}

/** The sequence a cursor names, or undefined when this service did not issue it. */
export function decodeCursor(text: string): number | undefined {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(text)) return undefined;
  const match = /^n:(\d{1,15})$/.exec(Buffer.from(text, 'base64url').toString('utf8'));
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
