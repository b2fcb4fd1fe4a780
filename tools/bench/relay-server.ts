/**
 * The ceiling for the chat benchmark: a bare WebSocket relay with no auth, no storage and no
 * broker, speaking the part of the chat protocol the bench uses. A device names its user in the
 * URL (`?user=`) and joins its conversations with one `join` frame (answered `synced`, so it
 * starts like a chat device); a send gets an ack with the room's next seq and the message goes
 * to every device in the room, the sender's included, as chat does.
 * `node --import tsx tools/bench/relay-server.ts [port]` prints `{"port":N}` once listening, and
 * exits when its stdin closes (the bench that started it is gone).
 */
import { randomUUID } from 'node:crypto';
import { type WebSocket, WebSocketServer } from 'ws';

interface Room {
  seq: number;
  devices: Set<WebSocket>;
}

interface ClientFrame {
  type?: string;
  conversationIds?: string[];
  conversationId?: string;
  clientMsgId?: string;
  content?: string;
}

const rooms = new Map<string, Room>();

function roomOf(id: string): Room {
  let room = rooms.get(id);
  if (!room) {
    room = { seq: 0, devices: new Set() };
    rooms.set(id, room);
  }
  return room;
}

function join(ws: WebSocket, ids: string[], joined: Set<Room>): void {
  for (const id of ids) {
    const room = roomOf(id);
    room.devices.add(ws);
    joined.add(room);
  }
  ws.send(JSON.stringify({ v: 1, type: 'synced', cursors: {} }));
}

/** The same frames chat sends, field for field, so the bytes on the wire compare. */
function relay(ws: WebSocket, senderId: string, frame: ClientFrame): void {
  const conversationId = frame.conversationId ?? '';
  const room = roomOf(conversationId);
  const seq = ++room.seq;
  const id = randomUUID();
  const { clientMsgId } = frame;
  ws.send(JSON.stringify({ v: 1, type: 'ack', clientMsgId, conversationId, messageId: id, seq, duplicate: false }));
  const message = JSON.stringify({
    v: 1,
    type: 'message',
    message: {
      ...{ id, conversationId, seq, senderId, clientMsgId, kind: 'text', content: frame.content ?? '' },
      ...{ attachment: null, createdAt: new Date().toISOString(), editedAt: null, deleted: false },
    },
  });
  for (const device of room.devices) device.send(message);
}

process.stdin.on('end', () => process.exit(0));
process.stdin.resume();

const wss = new WebSocketServer({ host: '127.0.0.1', port: Number(process.argv[2] ?? 0) });
wss.on('listening', () => {
  const address = wss.address();
  console.log(JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 }));
});
wss.on('connection', (ws, req) => {
  const userId = new URL(req.url ?? '/', 'http://relay').searchParams.get('user') ?? 'anonymous';
  const joined = new Set<Room>();
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as ClientFrame;
    if (frame.type === 'join') join(ws, frame.conversationIds ?? [], joined);
    else if (frame.type === 'send') relay(ws, userId, frame);
  });
  ws.on('close', () => {
    for (const room of joined) room.devices.delete(ws);
  });
  ws.send(JSON.stringify({ v: 1, type: 'ready', userId, instance: 'relay' }));
});
