/**
 * Cheap reads of server frames: the load generator receives tens of thousands of frames a
 * second and needs three things from each (its type, whose message it is, an ack's seq). It
 * scans the raw bytes for them instead of parsing the whole JSON.
 */
const typeKey = Buffer.from('"type":"');
const clientMsgIdKey = Buffer.from('"clientMsgId":"');
const seqKey = Buffer.from('"seq":');
const zero = 48;
const nine = 57;
const quote = 34;
const dash = 45;

/** The first letter of the frame's type: enough to tell `message` from `ack` from the rest. */
export const leading = {
  message: 'm'.charCodeAt(0),
  ack: 'a'.charCodeAt(0),
  error: 'e'.charCodeAt(0),
} as const;

export function typeInitial(frame: Buffer): number {
  const at = frame.indexOf(typeKey);
  return at < 0 ? -1 : (frame[at + typeKey.length] ?? -1);
}

/** The whole type name, for the rare frames that are neither messages nor acks. */
export function typeName(frame: Buffer): string {
  const at = frame.indexOf(typeKey);
  if (at < 0) return '';
  const start = at + typeKey.length;
  return frame.toString('latin1', start, frame.indexOf(quote, start));
}

/** The non-negative integer written at `from`, or -1 when no digit is there. */
export function readInt(frame: Buffer, from: number): number {
  let value = 0;
  let at = from;
  for (let byte = frame[at] ?? -1; byte >= zero && byte <= nine; byte = frame[++at] ?? -1) {
    value = value * 10 + byte - zero;
  }
  return at === from ? -1 : value;
}

/**
 * The bench names a message `<tag>-<index>` (tag: run and step): the index of a message of the
 * current step, or -1 for anything else (another step's late frame, someone else's message).
 */
export function messageIndex(frame: Buffer, tag: Buffer): number {
  const at = frame.indexOf(clientMsgIdKey);
  if (at < 0) return -1;
  const start = at + clientMsgIdKey.length;
  if (tag.compare(frame, start, start + tag.length) !== 0 || frame[start + tag.length] !== dash) return -1;
  return readInt(frame, start + tag.length + 1);
}

/** The seq of an ack frame, or -1. */
export function ackedSeq(frame: Buffer): number {
  const at = frame.indexOf(seqKey);
  return at < 0 ? -1 : readInt(frame, at + seqKey.length);
}

export const clientMsgId = (tag: string, index: number) => `${tag}-${index}`;
