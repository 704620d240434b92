// Automatic persisted queries by hand: GET with only the query's SHA-256 hash (cacheable by any
// HTTP cache); when the server does not know the hash yet it answers PERSISTED_QUERY_NOT_FOUND,
// and the query is sent once, with its hash, by POST.

import { createHash } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

type GraphQLResponse<T> = {
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
};

export class GraphQLErrors extends Error {
  constructor(readonly errors: NonNullable<GraphQLResponse<unknown>['errors']>) {
    super(errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; '));
  }
}

/** Runs a query through APQ; says whether the server already knew the hash. */
export async function persistedQuery<TResult, TVariables extends Record<string, unknown>>(
  url: string,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  headers: Record<string, string> = {},
): Promise<{ data: TResult; hit: boolean }> {
  const query = print(document);
  const sha256Hash = createHash('sha256').update(query).digest('hex');
  const extensions = { persistedQuery: { version: 1, sha256Hash } };

  const params = new URLSearchParams({
    variables: JSON.stringify(variables),
    extensions: JSON.stringify(extensions),
  });
  let body = (await (
    await fetch(`${url}?${params}`, { headers: { accept: 'application/json', ...headers } })
  ).json()) as GraphQLResponse<TResult>;
  const miss = body.errors?.some((e) => e.extensions?.code === 'PERSISTED_QUERY_NOT_FOUND');
  if (miss) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify({ query, variables, extensions }),
    });
    body = (await response.json()) as GraphQLResponse<TResult>;
  }
  if (body.errors?.length || body.data === undefined) throw new GraphQLErrors(body.errors ?? []);
  return { data: body.data, hit: !miss };
}
