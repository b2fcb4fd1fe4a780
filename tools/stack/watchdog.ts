import { type Running, type Supervisor, tailOf } from './processes.ts';

export interface WatchdogOptions {
  /** First wait before a restart; doubled for each quick failure after it. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Up this long, a process counts as healthy again: its next failure waits baseDelayMs. */
  stableMs?: number;
}

/**
 * What `npm start` does when a process of the stack dies: says at once which and how (with the
 * end of its log), and starts it again with exponential backoff, as Kubernetes or Tilt would.
 * Infrastructure restarts on its own data; sidecars and apps find each other again by port.
 */
export function restartOnExit(sup: Supervisor, say: (message: string) => void, options: WatchdogOptions = {}) {
  const base = options.baseDelayMs ?? 1000;
  const max = options.maxDelayMs ?? 30_000;
  const stable = options.stableMs ?? 60_000;
  const failures = new Map<string, { count: number; startedAt: number }>();
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  sup.onUnexpectedExit = (entry: Running, code, signal) => {
    if (stopped) return;
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    const last = failures.get(entry.name);
    const count = last && Date.now() - last.startedAt < stable ? last.count + 1 : 0;
    const delay = Math.min(max, base * 2 ** count);
    const tail = tailOf(entry.logFile, 5)
      .split('\n')
      .filter(Boolean)
      .map((l) => `    ${l}`)
      .join('\n');
    say(
      `${entry.name} ${how}; its log ends:\n${tail}\n  restarting ${entry.name} in ${delay / 1000}s (attempt ${count + 1})`,
    );
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (stopped) return;
      failures.set(entry.name, { count, startedAt: Date.now() });
      sup.restart(entry.name);
      say(`${entry.name} restarted (log ${entry.logFile})`);
    }, delay);
    timers.add(timer);
  };

  return {
    /** Before stopping the stack: nothing is restarted any more. */
    stop(): void {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      sup.onUnexpectedExit = undefined;
    },
  };
}
