import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type DocumentNode } from 'graphql';
import { loadConfig } from '../../src/config';
import { startGateway, type Gateway, type GatewayOptions } from '../../src/gateway';
import { createLogger } from '../../src/logger';

export interface GraphQLResponse<T> {
  data?: T | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

export interface TestGateway {
  gateway: Gateway;
  url: string;
  dataDir: string;
  /** POSTs an operation to /graphql and returns the parsed body (the HTTP status is in `status`). */
  graphql<T = Record<string, unknown>, V = Record<string, unknown>>(
    document: string | DocumentNode | TypedDocumentNode<T, V>,
    variables?: V,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<T> & { status: number }>;
  close(): Promise<void>;
}

/**
 * A real gateway on a free port over its own embedded ClickHouse directory, without demo data.
 * chdb allows one data directory per process at a time: one test gateway per test file, closed
 * in afterAll.
 */
export async function startTestGateway(env: Record<string, string> = {}, options: GatewayOptions = {}): Promise<TestGateway> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'c360-test-'));
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    CLICKHOUSE_DATA_DIR: dataDir,
    DEMO: 'false',
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
    SINK_FLUSH_MS: '5',
    ...env,
  });
  // The browser tests' copy of the console (global-setup.ts), when this run built one.
  const consoleDir = process.env['C360_TEST_CONSOLE_DIR'];
  const gateway = await startGateway(config, createLogger(config.logLevel), { ...(consoleDir ? { consoleDir } : {}), ...options });
  const url = gateway.url;
  return {
    gateway,
    url,
    dataDir,
    async graphql(document, variables, headers = {}) {
      const query = typeof document === 'string' ? document : print(document as DocumentNode);
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as GraphQLResponse<never>;
      return { ...body, status: response.status };
    },
    async close() {
      await gateway.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
