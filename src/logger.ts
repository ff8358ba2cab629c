import pino from 'pino';

export type Logger = pino.Logger;

/**
 * Where secrets sit in what the gateway logs (pino's `*` is one level): credentials in headers and
 * WebSocket connection parameters, and the secret parts of the configuration.
 */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  '*.*.password',
  '*.*.*.password',
  'secret',
  '*.secret',
  '*.*.secret',
  '*.*.*.secret',
  'token',
  '*.token',
  '*.*.token',
  'authorization',
  '*.authorization',
  '*.*.authorization',
  'Authorization',
  '*.Authorization',
  '*.*.Authorization',
  'apiKey',
  '*.apiKey',
  '*.*.apiKey',
  'apiKeys',
  '*.apiKeys',
  '*.*.apiKeys',
  '["x-api-key"]',
  '*["x-api-key"]',
  '*.*["x-api-key"]',
  'cookie',
  '*.cookie',
  '*.*.cookie',
  'connectionParams',
  '*.connectionParams',
];

/** Structured JSON lines on stdout (or `destination`); secrets never reach a log line. */
export function createLogger(level: string, base: Record<string, unknown> = {}, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'customer360', ...base },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
