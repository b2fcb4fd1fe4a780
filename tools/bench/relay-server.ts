/**
 * The baseline for the chat benchmark: a bare WebSocket relay with no auth, no storage and no
 * broker. Each message frame goes to every socket that joined its room.
 */
import { type WebSocket, WebSocketServer } from 'ws';

const rooms = new Map<string, Set<WebSocket>>();
const wss = new WebSocketServer({ host: '127.0.0.1', port: Number(process.argv[2] ?? 0) });
wss.on('listening', () => {
  const address = wss.address();
  console.log(JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 }));
});
wss.on('connection', (ws) => {
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as { type: string; room: string; clientMsgId?: string };
    if (frame.type === 'join') {
      const set = rooms.get(frame.room) ?? new Set();
      set.add(ws);
      rooms.set(frame.room, set);
      return;
    }
    ws.send(JSON.stringify({ type: 'ack', clientMsgId: frame.clientMsgId }));
    const relayed = JSON.stringify({ type: 'message', clientMsgId: frame.clientMsgId, room: frame.room });
    for (const peer of rooms.get(frame.room) ?? []) peer.send(relayed);
  });
});
