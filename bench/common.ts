import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..');

/** Bench settings, from the environment; every run prints them with its results. */
export const settings = {
  customers: Number(process.env['BENCH_CUSTOMERS'] ?? 1_000_000),
  dataDir: path.resolve(ROOT, process.env['BENCH_DATA_DIR'] ?? 'data/bench/clickhouse'),
  durationSec: Number(process.env['BENCH_DURATION_SEC'] ?? 10),
  runs: Number(process.env['BENCH_RUNS'] ?? 3),
  connections: (process.env['BENCH_CONNECTIONS'] ?? '1,8,32,128').split(',').map(Number),
  seed: Number(process.env['BENCH_SEED'] ?? 360),
};

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Samples, p50, p90, p99 and max of `values`, to 0.1. */
export interface Stats {
  samples: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return { samples: sorted.length, p50: round(percentile(sorted, 50)), p90: round(percentile(sorted, 90)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1) ?? NaN) };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface GatewayProcess {
  url: string;
  child: ChildProcess;
  /** Resident set size in bytes, now. */
  rss(): number;
  /** CPU seconds used so far: the whole process, and its JavaScript thread alone (the rest is mostly the engine's). */
  cpu(): { total: number; js: number };
  stop(): Promise<void>;
}

/** Runs the built gateway (dist/main.js) as its own process, as users run it, and waits until it answers. */
export async function startGatewayProcess(env: Record<string, string>): Promise<GatewayProcess> {
  const port = await freePort();
  // BENCH_NODE_ARGS (e.g. `--cpu-prof`) and BENCH_GATEWAY_MAIN (another build's dist/main.js, for an A/B
  // comparison in one session) change how the gateway runs; by default it is this checkout's build.
  const nodeArgs = process.env['BENCH_NODE_ARGS']?.split(' ').filter(Boolean) ?? [];
  const main = process.env['BENCH_GATEWAY_MAIN'] ?? path.join(ROOT, 'dist/main.js');
  const child = spawn(process.execPath, [...nodeArgs, main], {
    cwd: ROOT,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      DEMO: 'false',
      RATE_LIMIT_SUPPORT: '0',
      RATE_LIMIT_PERSONALISATION: '0',
      // The fan-out bench opens BENCH_SUBSCRIBERS sockets, all anonymous from one address.
      WS_MAX_CONNECTIONS_PER_CREDENTIAL: '0',
      WS_MAX_SUBSCRIPTIONS_PER_CREDENTIAL: '0',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited with code ${child.exitCode} before it was ready`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('gateway did not become ready within 120 s (a first start may migrate or rebuild the rollups: start it once by hand)');
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    child,
    rss() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      return kb * 1024;
    },
    cpu() {
      // utime and stime, in clock ticks (100 per second on Linux), fields 14 and 15 of /proc/<pid>/stat.
      const seconds = (stat: string) => {
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return (Number(fields[11]) + Number(fields[12])) / 100;
      };
      return {
        total: seconds(readFileSync(`/proc/${child.pid}/stat`, 'utf8')),
        js: seconds(readFileSync(`/proc/${child.pid}/task/${child.pid}/stat`, 'utf8')),
      };
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Sums a Prometheus counter (or a histogram's _count) over the label sets matching `filter`. */
export async function scrapeSum(url: string, metric: string, filter: (labels: string) => boolean = () => true): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(metric)) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+([0-9.eE+-]+)$/.exec(line);
    if (match && match[1] === metric && filter(match[2] ?? '')) sum += Number(match[3]);
  }
  return sum;
}

export function table(headers: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}
