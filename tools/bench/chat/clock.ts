/**
 * One clock for the main thread and the load workers. performance.now() counts from each
 * thread's own start; adding this offset puts every thread on the process-wide monotonic clock,
 * so a send planned by the main thread and a frame received by a worker can be subtracted.
 */
const offset = Number(process.hrtime.bigint()) / 1e6 - performance.now();

export const now = () => performance.now() + offset;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));
