import { type ClientFrame, clientFrame } from '@soulchat/contracts/chat-protocol';

export * from '@soulchat/contracts/chat-protocol';

/** Parses one text frame; the error names what was wrong for the client's error frame. */
export function parseClientFrame(text: string): { frame: ClientFrame } | { code: string; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { code: 'BAD_FRAME', message: 'frame is not valid JSON' };
  }
  const type = (json as { type?: unknown } | null)?.type;
  const parsed = clientFrame.safeParse(json);
  if (parsed.success) return { frame: parsed.data };
  const issue = parsed.error.issues[0];
  const known = ['send', 'sync', 'read', 'typing', 'ping'].includes(String(type));
  if (!known) return { code: 'UNKNOWN_TYPE', message: `unknown frame type ${JSON.stringify(type ?? null)}` };
  return { code: 'VALIDATION_FAILED', message: `${issue?.path.join('.') || 'frame'}: ${issue?.message ?? 'invalid'}` };
}
