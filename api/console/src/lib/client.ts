import { Client, cacheExchange, fetchExchange, subscriptionExchange } from 'urql';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { getToken, onTokenChange } from './session';

let ws: WsClient | null = null;

function wsClient(): WsClient {
  if (!ws) {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    ws = createWsClient({
      url: `${proto}//${location.host}/graphql/ws`,
      // The token travels in the connection's init payload, never in the URL.
      connectionParams: () => {
        const token = getToken();
        return token ? { Authorization: `Bearer ${token}` } : {};
      },
      lazy: true,
      retryAttempts: 3,
    });
  }
  return ws;
}

// A new token (sign-in, sign-out) drops the socket that carried the old one.
onTokenChange(() => {
  ws?.dispose();
  ws = null;
});

export function makeClient(): Client {
  return new Client({
    url: '/graphql',
    preferGetMethod: false,
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query || '' };
          return {
            subscribe(sink) {
              const unsubscribe = wsClient().subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
    fetchOptions: (): RequestInit => {
      const token = getToken();
      const headers: Record<string, string> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      return { headers };
    },
  });
}
