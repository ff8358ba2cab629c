import { Presets, SingleBar } from 'cli-progress';
import type { Logger } from '../logger';

export interface Progress {
  update(done: number, extra?: Record<string, number>): void;
  stop(): void;
}

/**
 * Progress of a long job over `total` units: a bar on a terminal, otherwise a structured log line at every
 * tenth. `unit` names what is counted (customers), `extra` adds counters to both.
 */
export function createProgress(label: string, total: number, unit: string, logger: Logger, extraNames: string[] = []): Progress {
  if (process.stderr.isTTY) {
    const extras = extraNames.map((n) => ` | {${n}} ${n}`).join('');
    const bar = new SingleBar(
      { format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit}${extras} | ETA {eta_formatted}`, stream: process.stderr },
      Presets.shades_classic,
    );
    bar.start(total, 0, Object.fromEntries(extraNames.map((n) => [n, 0])));
    return { update: (done, extra) => bar.update(done, extra), stop: () => bar.stop() };
  }
  let nextReport = 0.1;
  return {
    update(done, extra) {
      if (total > 0 && done / total >= nextReport) {
        logger.info({ [unit]: done, of: total, ...extra }, `${label} ${Math.floor((done / total) * 100)}%`);
        nextReport = Math.floor((done / total) * 10 + 1) / 10;
      }
    },
    stop() {},
  };
}
