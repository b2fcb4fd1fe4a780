import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createConnection } from 'mysql2/promise';
import type { Supervisor } from './processes.ts';
import type { Toolchain } from './toolchain.ts';
import type { AppSpec, Topology } from './topology.ts';
import { waitForPort } from './wait.ts';

type Infra = Topology['infrastructure'];

export interface DatabaseAccount {
  database: string;
  user: string;
  password: string;
  url: string;
}

export async function startRedis(sup: Supervisor, tools: Toolchain, infra: Infra): Promise<void> {
  const dir = path.join(sup.runDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const proc = sup.start({
    name: 'redis',
    command: tools.redisServer,
    args: [
      ...['--port', String(infra.redis.port), '--bind', '127.0.0.1', '--dir', dir, '--daemonize', 'no'],
      ...['--save', '', '--appendonly', 'yes', '--protected-mode', 'yes', '--logfile', ''],
    ],
  });
  await waitForPort('redis', infra.redis.port, { process: proc });
}

export async function startMariadb(sup: Supervisor, infra: Infra): Promise<void> {
  const dir = path.join(sup.runDir, 'mariadb');
  const data = path.join(dir, 'data');
  const tmp = path.join(dir, 'tmp');
  mkdirSync(tmp, { recursive: true });
  if (!existsSync(path.join(data, 'mysql'))) {
    mkdirSync(data, { recursive: true });
    execFileSync(
      'mariadb-install-db',
      [
        '--no-defaults',
        `--datadir=${data}`,
        '--user=root',
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
        '--skip-name-resolve',
      ],
      { stdio: 'pipe' },
    );
  }
  const proc = sup.start({
    name: 'mariadb',
    command: 'mariadbd',
    args: [
      '--no-defaults',
      `--datadir=${data}`,
      // Runs as whoever started the stack; mariadbd refuses root unless told explicitly.
      ...(process.getuid?.() === 0 ? ['--user=root'] : []),
      '--bind-address=127.0.0.1',
      `--port=${infra.mariadb.port}`,
      `--socket=${path.join(dir, 'mariadb.sock')}`,
      `--pid-file=${path.join(dir, 'mariadb.pid')}`,
      // Its own temporary files: stacks side by side sharing /tmp once lost one to the other
      // ("Error on delete of '/tmp/#sql-temptable-...'") during a migration.
      `--tmpdir=${tmp}`,
      '--skip-name-resolve',
      '--innodb-buffer-pool-size=128M',
      '--max-connections=500',
      '--character-set-server=utf8mb4',
      '--collation-server=utf8mb4_unicode_ci',
    ],
  });
  await waitForPort('mariadb', infra.mariadb.port, { process: proc, timeoutMs: 60_000 });
}

/**
 * Each service gets its own database and its own user, granted on that database only: no
 * service can read another's tables. Passwords are new on every start and never written to git.
 */
export async function provisionDatabases(infra: Infra, apps: AppSpec[]): Promise<Map<string, DatabaseAccount>> {
  const root = await createConnection({ host: '127.0.0.1', port: infra.mariadb.port, user: 'root' });
  const accounts = new Map<string, DatabaseAccount>();
  try {
    for (const app of apps) {
      if (!app.database) continue;
      const account = accountFor(app.database, infra.mariadb.port);
      await root.query(`CREATE DATABASE IF NOT EXISTS \`${account.database}\``);
      await root.query('CREATE USER IF NOT EXISTS ?@? IDENTIFIED BY ?', [account.user, '127.0.0.1', account.password]);
      await root.query('ALTER USER ?@? IDENTIFIED BY ?', [account.user, '127.0.0.1', account.password]);
      await root.query(`GRANT ALL PRIVILEGES ON \`${account.database}\`.* TO ?@?`, [account.user, '127.0.0.1']);
      accounts.set(app.id, account);
    }
  } finally {
    await root.end();
  }
  return accounts;
}

/**
 * For profiles whose Dapr state store is MySQL/MariaDB: a database and user of its own, and the
 * connection string in the run dir's secrets file, which the profile's local secret store reads
 * (in Kubernetes the same secret name is a Secret). Other secrets in the file are kept.
 */
export async function provisionStateDatabase(infra: Infra, runDir: string): Promise<void> {
  const root = await createConnection({ host: '127.0.0.1', port: infra.mariadb.port, user: 'root' });
  const user = 'dapr_state_svc';
  const password = randomBytes(18).toString('base64url');
  try {
    await root.query('CREATE DATABASE IF NOT EXISTS `dapr_state`');
    await root.query('CREATE USER IF NOT EXISTS ?@? IDENTIFIED BY ?', [user, '127.0.0.1', password]);
    await root.query('ALTER USER ?@? IDENTIFIED BY ?', [user, '127.0.0.1', password]);
    await root.query('GRANT ALL PRIVILEGES ON `dapr_state`.* TO ?@?', [user, '127.0.0.1']);
  } finally {
    await root.end();
  }
  const dir = path.join(runDir, 'secrets');
  const file = path.join(dir, 'components.json');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const secrets = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  // The schema name is a component setting; the DSN names no database, as state.mysql expects.
  const connectionString = `${user}:${password}@tcp(127.0.0.1:${infra.mariadb.port})/?allowNativePasswords=true`;
  secrets['statestore-mysql'] = { connectionString };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
}

function accountFor(database: string, port: number): DatabaseAccount {
  const user = `${database}_svc`;
  const password = randomBytes(18).toString('base64url');
  return { database, user, password, url: `mysql://${user}:${password}@127.0.0.1:${port}/${database}` };
}

export async function startKafka(sup: Supervisor, tools: Toolchain, infra: Infra): Promise<void> {
  const dir = path.join(sup.runDir, 'kafka');
  const properties = path.join(dir, 'server.properties');
  mkdirSync(dir, { recursive: true });
  writeFileSync(properties, kafkaProperties(infra.kafka, path.join(dir, 'data')));
  const java = [
    '-Xms256m',
    '-Xmx768m',
    '-XX:+UseG1GC',
    // No hsperfdata file: its sampler woke the JVM 20 times a second for jstat, which we never use.
    '-XX:-UsePerfData',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${tools.kafkaLog4j}`,
    '-cp',
    `${tools.kafkaHome}/libs/*`,
  ];
  if (!existsSync(path.join(dir, 'data', 'meta.properties'))) {
    const clusterId = randomBytes(16).toString('base64url').slice(0, 22);
    execFileSync(
      'java',
      [...java, 'kafka.tools.StorageTool', 'format', `--cluster-id=${clusterId}`, '-c', properties],
      {
        stdio: 'pipe',
      },
    );
  }
  const proc = sup.start({ name: 'kafka', command: 'java', args: [...java, 'kafka.Kafka', properties] });
  await waitForPort('kafka', infra.kafka.port, { process: proc, timeoutMs: 90_000 });
}

function kafkaProperties(kafka: Infra['kafka'], dataDir: string): string {
  const settings: Record<string, string | number> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@127.0.0.1:${kafka.controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${kafka.port},CONTROLLER://127.0.0.1:${kafka.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${kafka.port}`,
    'inter.broker.listener.name': 'PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'log.dirs': dataDir,
    // Several partitions so per-key ordering is meaningful; one broker, so replication 1.
    'num.partitions': kafka.partitions,
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': 4,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    'group.initial.rebalance.delay.ms': 0,
    'auto.create.topics.enable': 'true',
    'log.retention.hours': 24,
    // Idle cost (measured with no traffic: 2.5-3.5% of a core before these). The controller wrote a
    // no-op record to the metadata log every 500 ms, so that observers and the lag metrics see the
    // log is alive; every 5 s is plenty on one node, and real metadata changes are written at once.
    'metadata.max.idle.interval.ms': 5000,
    // One broker on a small machine: 1 network thread per listener and 2 request handlers instead
    // of 3 and 8, each of which woke every 300 ms to poll its queue. Handlers never block on a
    // client (fetches and acks=all produces wait in purgatory), and two cores cannot run more.
    'num.network.threads': 1,
    'num.io.threads': 2,
  };
  return `${Object.entries(settings)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')}\n`;
}
