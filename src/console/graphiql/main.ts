import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { createClient } from 'graphql-ws';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { authorizationHeaders } from '../dashboard/credential';
import { exampleTabs } from './examples';

// Queries over HTTP and subscriptions over graphql-ws, both on this gateway's /graphql.
const httpUrl = new URL('/graphql', location.href).toString();
const wsUrl = httpUrl.replace(/^http/, 'ws');
// The credential the agent signed in with on the dashboard (if the gateway requires one) goes with every
// request and in the socket's connection_init; a Headers tab entry overrides it for HTTP.
const fetcher = createGraphiQLFetcher({
  url: httpUrl,
  headers: authorizationHeaders(),
  wsClient: createClient({ url: wsUrl, lazy: true, retryAttempts: 5, connectionParams: authorizationHeaders }),
});

// GraphiQL keeps the agent's tabs in localStorage. A link with ?customer=ID (the dashboard's) opens
// the example tabs for that customer instead.
const STORED = ['tabState', 'query', 'variables'].map((key) => `graphiql:${key}`);
const params = new URLSearchParams(location.search);
const linked = params.get('customer');
if (linked) for (const key of STORED) localStorage.removeItem(key);
const tabs = exampleTabs(linked ?? 'C0000001');
const fresh = localStorage.getItem(STORED[0]!) === null;

createRoot(document.getElementById('graphiql')!).render(
  createElement(GraphiQL, {
    fetcher,
    defaultTabs: tabs,
    // GraphiQL fills the first tab's variables editor only from initialVariables.
    initialVariables: fresh ? tabs[0]!.variables : undefined,
    defaultEditorToolsVisibility: 'variables',
  }),
);
