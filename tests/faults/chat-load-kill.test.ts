import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { defaultRunDir, type Stack, startStack } from '../../tools/stack/stack.ts';
import { rootQuery } from '../harness/databases.ts';
import { call } from '../harness/http.ts';
import { type Ack, LoadDevice } from '../harness/load-device.ts';
import { newPerson, type Person } from '../harness/people.ts';

/**
 * Exactly-once delivery at load, on a stack of its own: chat-1 is killed with SIGKILL while
 * devices on both instances send about 1,000 messages a second. Lost and duplicated messages are
 * counted in the database and at every device; all must be zero.
 *
 * SOULCHAT_LOAD_RATE (messages/s offered, default 1000), SOULCHAT_LOAD_SECONDS (default 15) and
 * SOULCHAT_LOAD_DRAIN_SECONDS (how long the stack may take to catch up after, default 90) let a
 * slower machine run it.
 */
const settings = {
  rate: Number(process.env.SOULCHAT_LOAD_RATE ?? 1000),
  seconds: Number(process.env.SOULCHAT_LOAD_SECONDS ?? 15),
  drainMs: Number(process.env.SOULCHAT_LOAD_DRAIN_SECONDS ?? 90) * 1000,
  killAfterMs: 5000,
  /** Each device stays well under chat's 100 frames per 10 s, with room for syncs and resends. */
  sendsPerDevicePerSecond: 6,
  devicesPerUser: 2,
  groups: 2,
  groupSize: 12,
  /** Below this share of the offered messages acked, the test did not run at load. */
  minAckedShare: 0.9,
};
/**
 * Clear of the stacks others run beside it on a shared machine (offsets 1000, 2000, 2200, 3000,
 * 3500, 4000, 5000); every port stays under 32768. SOULCHAT_LOAD_PORT_OFFSET moves it.
 */
const portOffset = Number(process.env.SOULCHAT_LOAD_PORT_OFFSET ?? 5400);

interface Population {
  people: Person[];
  /** Conversation ids of each person, by person id. */
  conversationsOf: Map<string, string[]>;
  allConversations: string[];
}

interface Membership {
  id: string;
  members: Person[];
}

interface StoredRow {
  conversation_id: string;
  seq: number;
  id: string;
  sender_id: string;
  client_msg_id: string;
}

interface Sender {
  person: Person;
  device: LoadDevice;
}

/** One send as issued: by whom and where, so each ack can be checked against the database. */
interface Issued {
  clientMsgId: string;
  senderId: string;
  device: LoadDevice;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function mapLimited<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Polls until `done` holds; false when the deadline passes first. */
async function waitUntil(done: () => boolean, deadline: number): Promise<boolean> {
  while (!done()) {
    if (Date.now() > deadline) return false;
    await sleep(250);
  }
  return true;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe('chat delivery at load while an instance is killed', () => {
  let stack: Stack;
  const url = (instance: string) => `http://127.0.0.1:${stack.apps.get(instance)?.spec.port}`;
  const devices: LoadDevice[] = [];

  before(async () => {
    stack = await startStack({
      runDir: path.join(defaultRunDir('test'), `chat-load-${Date.now().toString(36)}`),
      portOffset,
      onlyApps: ['user', 'profile', 'chat'],
    });
  });
  after(async () => {
    for (const d of devices) d.stop();
    await stack?.stop();
  });

  /** Enough people that no device sends faster than sendsPerDevicePerSecond, in direct chats and groups. */
  async function populate(): Promise<Population> {
    const perUser = settings.sendsPerDevicePerSecond * settings.devicesPerUser;
    const count = Math.max(settings.groups * settings.groupSize, Math.ceil(settings.rate / perUser));
    // Registration hashes passwords (argon2): a few at a time keeps the user service answering 201.
    const people = await mapLimited(Array.from({ length: count }), 4, () => newPerson(url('user'), 'load'));
    const memberships = [...(await directConversations(people)), ...(await groups(people))];
    const conversationsOf = new Map(people.map((p) => [p.id, [] as string[]]));
    for (const { id, members } of memberships) for (const m of members) conversationsOf.get(m.id)?.push(id);
    return { people, conversationsOf, allConversations: memberships.map((c) => c.id) };
  }

  /** A ring: everyone has a direct conversation with the next two people. */
  async function directConversations(people: Person[]): Promise<Membership[]> {
    const pairs = people.flatMap((p, i) => [1, 2].map((step) => [p, people[(i + step) % people.length] as Person]));
    return mapLimited(pairs, 8, async ([a, b]) => {
      assert.ok(a && b);
      const dm = await call<{ id: string }>(`${url('chat-1')}/conversations/direct`, {
        body: { userId: b.id },
        token: a.token,
      });
      assert.ok(dm.status === 200 || dm.status === 201, JSON.stringify(dm.body));
      return { id: dm.body.id, members: [a, b] };
    });
  }

  /** Groups of the first people, one after the other. */
  async function groups(people: Person[]): Promise<Membership[]> {
    const created: Membership[] = [];
    for (let g = 0; g < settings.groups; g++) {
      const members = people.slice(g * settings.groupSize, (g + 1) * settings.groupSize);
      const [owner, ...rest] = members;
      assert.ok(owner);
      const group = await call<{ id: string }>(`${url('chat-2')}/groups`, {
        body: { name: `load ${g}`, memberIds: rest.map((m) => m.id) },
        token: owner.token,
      });
      assert.equal(group.status, 201, JSON.stringify(group.body));
      created.push({ id: group.body.id, members });
    }
    return created;
  }

  /** Each person's devices, the first on chat-1 and the second on chat-2 (each falls over to the other). */
  async function connect(population: Population): Promise<Sender[]> {
    const instances = [url('chat-1'), url('chat-2')];
    const senders = population.people.flatMap((person) =>
      Array.from({ length: settings.devicesPerUser }, (_, d) => {
        const first = d % instances.length;
        const device = new LoadDevice({
          urls: [...instances.slice(first), ...instances.slice(0, first)],
          token: person.token,
          conversationIds: population.conversationsOf.get(person.id) ?? [],
        });
        devices.push(device);
        return { person, device };
      }),
    );
    await mapLimited(senders, 16, ({ device }) => device.start());
    return senders;
  }

  /**
   * Open loop: message k is due at k / rate seconds, whatever happened to the ones before it.
   * Senders take turns, each going round its person's conversations.
   */
  async function offerLoad(
    senders: Sender[],
    population: Population,
    duringLoad: (elapsedMs: number) => void,
  ): Promise<Issued[]> {
    const issued: Issued[] = [];
    const total = Math.round(settings.rate * settings.seconds);
    const started = performance.now();
    for (;;) {
      const elapsed = performance.now() - started;
      if (elapsed >= settings.seconds * 1000) break;
      const due = Math.min(total, Math.floor((elapsed * settings.rate) / 1000) + 1);
      for (let k = issued.length; k < due; k++) {
        const sender = senders[k % senders.length];
        assert.ok(sender);
        const mine = population.conversationsOf.get(sender.person.id) ?? [];
        const round = Math.floor(k / senders.length);
        const conversationId = mine[round % mine.length] ?? '';
        const clientMsgId = `load-${k}`;
        sender.device.send(conversationId, clientMsgId, `message ${k} from ${sender.person.username}`);
        issued.push({ clientMsgId, senderId: sender.person.id, device: sender.device });
      }
      duringLoad(elapsed);
      await sleep(5);
    }
    return issued;
  }

  /** Offers the load and kills chat-1's app (SIGKILL) killAfterMs into it, then starts it again. */
  async function loadWithKill(senders: Sender[], population: Population): Promise<LoadRun> {
    const chat1 = stack.apps.get('chat-1');
    assert.ok(chat1);
    let fault: Promise<void> | undefined;
    let killedAtMs = 0;
    const startedAt = Date.now();
    const issued = await offerLoad(senders, population, (elapsed) => {
      if (fault || elapsed < settings.killAfterMs) return;
      killedAtMs = elapsed;
      fault = chat1.kill('app').then(async () => {
        await sleep(1000);
        await chat1.startApp();
      });
      // Awaited once the load is over; until then a failed restart must not go unhandled.
      fault.catch(() => {});
    });
    return { issued, killedAtMs, startedAt, endedAt: Date.now(), ackedDuringLoad: ackedCount(), fault };
  }

  /** Waits, up to one deadline, for every ack and then for every device to hold every acked message. */
  async function drain(issued: Issued[]): Promise<Drain> {
    const deadline = Date.now() + settings.drainMs;
    const allAcked = await waitUntil(() => devices.every((d) => d.unacked === 0), deadline);
    const expected = highestAckedSeqs(issued);
    const allDelivered = await waitUntil(() => devices.every((d) => holdsAll(d, expected)), deadline);
    return { allAcked, allDelivered, drainedAt: Date.now() };
  }

  const ackedCount = () => sum(devices.map((d) => d.acks.size));

  test('kill -9 of chat-1 at ~1,000 msg/s: every acked message stored once and shown once, in order, on every device', {
    timeout: 210_000,
  }, async () => {
    const population = await populate();
    const senders = await connect(population);
    const run = await loadWithKill(senders, population);
    const drained = await drain(run.issued);
    await run.fault;
    const rows = await rootQuery<StoredRow>(
      stack.info,
      'SELECT conversation_id, seq, id, sender_id, client_msg_id FROM chat.messages WHERE conversation_id IN (?)',
      [population.allConversations],
    );
    const report = {
      ...loadFigures(run, drained, devices),
      people: population.people.length,
      devices: devices.length,
      conversations: population.allConversations.length,
      database: checkDatabase(run.issued, rows),
      clients: checkDevices(devices, rows),
      logs: stack.supervisor.logDir,
    };
    console.log(`chat load with a kill: ${JSON.stringify(report)}`);
    assertExactlyOnce(report);
  });
});

interface LoadRun {
  issued: Issued[];
  killedAtMs: number;
  startedAt: number;
  endedAt: number;
  ackedDuringLoad: number;
  /** The kill and restart of chat-1 (undefined if the load ended before its time). */
  fault: Promise<void> | undefined;
}

interface Drain {
  allAcked: boolean;
  allDelivered: boolean;
  drainedAt: number;
}

/** Rates, latencies and the client's side of the story (resends, reconnects, errors). */
function loadFigures(run: LoadRun, drained: Drain, devices: LoadDevice[]) {
  const acked = sum(devices.map((d) => d.acks.size));
  const latencies = devices.flatMap((d) => d.ackLatencies);
  const lastAckAt = Math.max(...devices.map((d) => d.lastAckAt));
  const startedOnChat1 = devices.filter((d) => d.instances[0] === 'chat-1');
  return {
    offered: Math.round(settings.rate * settings.seconds),
    sent: run.issued.length,
    acked,
    killedChat1AtSeconds: Number((run.killedAtMs / 1000).toFixed(1)),
    ackedPerSecondDuringLoad: Math.round(run.ackedDuringLoad / ((run.endedAt - run.startedAt) / 1000)),
    ackedPerSecondUntilLastAck: Math.round(acked / ((lastAckAt - run.startedAt) / 1000)),
    ackLatencyMs: { p50: Math.round(percentile(latencies, 0.5)), p99: Math.round(percentile(latencies, 0.99)) },
    drainSeconds: Number(((drained.drainedAt - run.endedAt) / 1000).toFixed(1)),
    allAcked: drained.allAcked,
    allDelivered: drained.allDelivered,
    unacked: sum(devices.map((d) => d.unacked)),
    resends: mergeCounts(devices.map((d) => new Map(Object.entries(d.counters.resends)))),
    duplicateAcks: sum(devices.map((d) => d.counters.duplicateAcks)),
    ackConflicts: sum(devices.map((d) => d.counters.ackConflicts)),
    startedOnChat1: startedOnChat1.length,
    movedOffChat1: startedOnChat1.filter((d) => d.instances.length > 1).length,
    reconnects: sum(devices.map((d) => d.counters.connects - 1)),
    devicesPerInstanceAtEnd: countBy(devices.map((d) => d.instance ?? 'none')),
    errors: mergeCounts(devices.map((d) => d.counters.errors)),
  };
}

type Report = ReturnType<typeof loadFigures> & {
  database: ReturnType<typeof checkDatabase>;
  clients: ReturnType<typeof checkDevices>;
};

function assertExactlyOnce(report: Report): void {
  const { database, clients } = report;
  const summary = JSON.stringify(report);
  assert.ok(report.killedChat1AtSeconds > 0, `the load ended before the kill: ${summary}`);
  assert.equal(report.movedOffChat1, report.startedOnChat1, `devices of chat-1 that never reconnected: ${summary}`);
  // What no amount of waiting can mend first, then what a deadline cut short.
  assert.equal(database.duplicates, 0, `messages stored twice: ${summary}`);
  assert.equal(database.ackMismatches, 0, `acks naming another seq or id than the stored row: ${summary}`);
  assert.equal(report.ackConflicts, 0, `two acks of one message named different rows: ${summary}`);
  assert.equal(database.seqGaps, 0, `conversations whose seqs are not 1..n: ${summary}`);
  assert.equal(clients.repeats, 0, `a device got a message it already had: ${summary}`);
  assert.equal(clients.outOfOrder, 0, `a device got a message before the one preceding it: ${summary}`);
  assert.equal(clients.conflicts, 0, `a device got two messages under one seq: ${summary}`);
  assert.equal(clients.wrongIds, 0, `a device shows another message than the stored one: ${summary}`);
  assert.ok(report.allAcked, `sends still unacked after the deadline: ${summary}`);
  assert.ok(report.allDelivered, `devices still missing messages after the deadline: ${summary}`);
  assert.equal(database.missing, 0, `acked messages not stored: ${summary}`);
  assert.equal(database.unacked, 0, `stored messages never acked: ${summary}`);
  assert.equal(clients.missing, 0, `acked messages a device never got: ${summary}`);
  assert.ok(report.acked >= settings.minAckedShare * report.offered, `too few messages to call it load: ${summary}`);
}

/** The seqs acked in each conversation (the numbers every member device must end up holding). */
function highestAckedSeqs(issued: Issued[]): Map<string, number> {
  const highest = new Map<string, number>();
  for (const { clientMsgId, device } of issued) {
    const ack = device.acks.get(clientMsgId);
    if (ack) highest.set(ack.conversationId, Math.max(highest.get(ack.conversationId) ?? 0, ack.seq));
  }
  return highest;
}

function holdsAll(device: LoadDevice, expected: Map<string, number>): boolean {
  for (const [id, view] of device.conversations) if (view.contiguous < (expected.get(id) ?? 0)) return false;
  return true;
}

/** Every acked message is one row with the acked seq and id; each conversation is numbered 1..n. */
function checkDatabase(issued: Issued[], rows: StoredRow[]) {
  const byKey = groupBy(rows, (row) => `${row.sender_id}/${row.client_msg_id}`);
  let missing = 0;
  let ackMismatches = 0;
  const ackedKeys = new Set<string>();
  for (const { clientMsgId, senderId, device } of issued) {
    const ack: Ack | undefined = device.acks.get(clientMsgId);
    if (!ack) continue;
    const key = `${senderId}/${clientMsgId}`;
    ackedKeys.add(key);
    const stored = byKey.get(key) ?? [];
    if (stored.length === 0) missing++;
    else if (stored.some((r) => Number(r.seq) !== ack.seq || r.id !== ack.messageId)) ackMismatches++;
  }
  const duplicates = sum([...byKey.values()].map((r) => r.length - 1));
  const unacked = [...byKey.keys()].filter((k) => !ackedKeys.has(k)).length;
  return { rows: rows.length, duplicates, missing, unacked, ackMismatches, seqGaps: conversationsWithSeqGaps(rows) };
}

/** Conversations whose stored seqs are not exactly 1..n. */
function conversationsWithSeqGaps(rows: StoredRow[]): number {
  const byConversation = groupBy(rows, (row) => row.conversation_id);
  return [...byConversation.values()].filter((group) => {
    const seqs = group.map((r) => Number(r.seq)).sort((a, b) => a - b);
    return seqs.some((seq, i) => seq !== i + 1);
  }).length;
}

/** What each device shows, against the stored rows of its conversations. */
function checkDevices(devices: LoadDevice[], rows: StoredRow[]) {
  const stored = new Map<string, Map<number, string>>();
  for (const row of rows) {
    const byId = stored.get(row.conversation_id) ?? new Map<number, string>();
    byId.set(Number(row.seq), row.id);
    stored.set(row.conversation_id, byId);
  }
  let missing = 0;
  let wrongIds = 0;
  let delivered = 0;
  const devicesMissing: string[] = [];
  for (const [i, device] of devices.entries()) {
    let deviceMissing = 0;
    for (const [conversationId, view] of device.conversations) {
      for (const [seq, id] of stored.get(conversationId) ?? []) {
        const shown = view.shown.get(seq);
        if (shown === undefined) deviceMissing++;
        else if (shown !== id) wrongIds++;
      }
      delivered += view.shown.size;
    }
    missing += deviceMissing;
    if (deviceMissing > 0) devicesMissing.push(`device ${i} on ${device.instances.join('>')}: ${deviceMissing}`);
  }
  const views = devices.flatMap((d) => [...d.conversations.values()]);
  return {
    delivered,
    missing,
    wrongIds,
    repeats: sum(views.map((v) => v.repeats)),
    outOfOrder: sum(views.map((v) => v.outOfOrder)),
    conflicts: sum(views.map((v) => v.conflicts)),
    devicesMissing: devicesMissing.slice(0, 10),
  };
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

function mergeCounts(maps: Array<Map<string, number>>): Record<string, number> {
  const merged: Record<string, number> = {};
  for (const m of maps) for (const [k, v] of m) merged[k] = (merged[k] ?? 0) + v;
  return merged;
}

function groupBy<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
