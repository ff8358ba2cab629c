import pino from 'pino';

export type Logger = pino.Logger;

/** Structured JSON lines on stdout; secrets never reach a log line. */
export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { service: 'customer360', ...base },
    redact: {
      paths: ['password', '*.password', 'authorization', '*.authorization', 'headers.authorization', 'apiKey', '*.apiKey'],
      censor: '[redacted]',
    },
  });
}
