// Subscriptions over WebSocket (the graphql-transport-ws protocol, at /graphql/ws), with the token
// in the connection_init payload, as the server expects it.

import { print } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

import { graphql } from './gql/index.js';
import type { VacancyPublishedSubscription } from './gql/graphql.js';

export const VacancyPublished = graphql(`
  subscription VacancyPublished($filter: VacancyFilterInput) {
    vacancyPublished(filter: $filter) {
      id
      reference
      title
      organisation {
        acronym
      }
      dutyStations {
        city
        country
      }
    }
  }
`);

export type PublishedVacancy = VacancyPublishedSubscription['vacancyPublished'];

/** ws(s)://host/graphql/ws for an http(s)://host/graphql endpoint. */
export function subscriptionUrl(apiUrl: string): string {
  const url = new URL(apiUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = '/graphql/ws';
  return url.toString();
}

/** A graphql-ws client that signs in with `token` (anonymous without one). */
export function subscriptionClient(apiUrl: string, token?: string): Client {
  return createClient({
    url: subscriptionUrl(apiUrl),
    webSocketImpl: WebSocket,
    connectionParams: token ? { Authorization: `Bearer ${token}` } : {},
    lazy: false,
    retryAttempts: 0,
  });
}

/** Calls `onVacancy` for every vacancy published in `country`; returns a function that stops. */
export function onVacancyPublished(
  client: Client,
  country: string,
  onVacancy: (vacancy: PublishedVacancy) => void,
  onError: (error: unknown) => void,
): () => void {
  return client.subscribe<VacancyPublishedSubscription>(
    { query: print(VacancyPublished), variables: { filter: { country } } },
    {
      next: (message) => {
        if (message.errors?.length) onError(new Error(JSON.stringify(message.errors)));
        else if (message.data) onVacancy(message.data.vacancyPublished);
      },
      error: onError,
      complete: () => {},
    },
  );
}
