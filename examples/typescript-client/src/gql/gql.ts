/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) {\n      email\n    }\n  }\n": typeof types.RegisterDocument,
    "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      token\n      expiresAt\n      account {\n        fullName\n        role\n      }\n    }\n  }\n": typeof types.LoginDocument,
    "\n  query OpenVacancies($first: Int!, $search: String) {\n    vacancies(first: $first, filter: { openOnly: true, search: $search }) {\n      totalCount\n      facets {\n        organisations {\n          organisation {\n            acronym\n          }\n          count\n        }\n        countries {\n          country\n          count\n        }\n        gradeCategories {\n          gradeCategory\n          count\n        }\n        contractTypes {\n          contractType\n          count\n        }\n      }\n      edges {\n        node {\n          id\n          reference\n          title\n          closingAt\n          grade\n          organisation {\n            acronym\n          }\n          dutyStations {\n            city\n            country\n          }\n        }\n      }\n    }\n  }\n": typeof types.OpenVacanciesDocument,
    "\n  mutation CreateVacancy($input: VacancyInput!) {\n    createVacancy(input: $input) {\n      id\n      version\n    }\n  }\n": typeof types.CreateVacancyDocument,
    "\n  mutation PublishVacancy($id: ID!, $version: Int!) {\n    publishVacancy(id: $id, version: $version) {\n      reference\n      status\n    }\n  }\n": typeof types.PublishVacancyDocument,
    "\n  subscription VacancyPublished($filter: VacancyFilterInput) {\n    vacancyPublished(filter: $filter) {\n      id\n      reference\n      title\n      organisation {\n        acronym\n      }\n      dutyStations {\n        city\n        country\n      }\n    }\n  }\n": typeof types.VacancyPublishedDocument,
};
const documents: Documents = {
    "\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) {\n      email\n    }\n  }\n": types.RegisterDocument,
    "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      token\n      expiresAt\n      account {\n        fullName\n        role\n      }\n    }\n  }\n": types.LoginDocument,
    "\n  query OpenVacancies($first: Int!, $search: String) {\n    vacancies(first: $first, filter: { openOnly: true, search: $search }) {\n      totalCount\n      facets {\n        organisations {\n          organisation {\n            acronym\n          }\n          count\n        }\n        countries {\n          country\n          count\n        }\n        gradeCategories {\n          gradeCategory\n          count\n        }\n        contractTypes {\n          contractType\n          count\n        }\n      }\n      edges {\n        node {\n          id\n          reference\n          title\n          closingAt\n          grade\n          organisation {\n            acronym\n          }\n          dutyStations {\n            city\n            country\n          }\n        }\n      }\n    }\n  }\n": types.OpenVacanciesDocument,
    "\n  mutation CreateVacancy($input: VacancyInput!) {\n    createVacancy(input: $input) {\n      id\n      version\n    }\n  }\n": types.CreateVacancyDocument,
    "\n  mutation PublishVacancy($id: ID!, $version: Int!) {\n    publishVacancy(id: $id, version: $version) {\n      reference\n      status\n    }\n  }\n": types.PublishVacancyDocument,
    "\n  subscription VacancyPublished($filter: VacancyFilterInput) {\n    vacancyPublished(filter: $filter) {\n      id\n      reference\n      title\n      organisation {\n        acronym\n      }\n      dutyStations {\n        city\n        country\n      }\n    }\n  }\n": types.VacancyPublishedDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) {\n      email\n    }\n  }\n"): (typeof documents)["\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) {\n      email\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      token\n      expiresAt\n      account {\n        fullName\n        role\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      token\n      expiresAt\n      account {\n        fullName\n        role\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OpenVacancies($first: Int!, $search: String) {\n    vacancies(first: $first, filter: { openOnly: true, search: $search }) {\n      totalCount\n      facets {\n        organisations {\n          organisation {\n            acronym\n          }\n          count\n        }\n        countries {\n          country\n          count\n        }\n        gradeCategories {\n          gradeCategory\n          count\n        }\n        contractTypes {\n          contractType\n          count\n        }\n      }\n      edges {\n        node {\n          id\n          reference\n          title\n          closingAt\n          grade\n          organisation {\n            acronym\n          }\n          dutyStations {\n            city\n            country\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query OpenVacancies($first: Int!, $search: String) {\n    vacancies(first: $first, filter: { openOnly: true, search: $search }) {\n      totalCount\n      facets {\n        organisations {\n          organisation {\n            acronym\n          }\n          count\n        }\n        countries {\n          country\n          count\n        }\n        gradeCategories {\n          gradeCategory\n          count\n        }\n        contractTypes {\n          contractType\n          count\n        }\n      }\n      edges {\n        node {\n          id\n          reference\n          title\n          closingAt\n          grade\n          organisation {\n            acronym\n          }\n          dutyStations {\n            city\n            country\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateVacancy($input: VacancyInput!) {\n    createVacancy(input: $input) {\n      id\n      version\n    }\n  }\n"): (typeof documents)["\n  mutation CreateVacancy($input: VacancyInput!) {\n    createVacancy(input: $input) {\n      id\n      version\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PublishVacancy($id: ID!, $version: Int!) {\n    publishVacancy(id: $id, version: $version) {\n      reference\n      status\n    }\n  }\n"): (typeof documents)["\n  mutation PublishVacancy($id: ID!, $version: Int!) {\n    publishVacancy(id: $id, version: $version) {\n      reference\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription VacancyPublished($filter: VacancyFilterInput) {\n    vacancyPublished(filter: $filter) {\n      id\n      reference\n      title\n      organisation {\n        acronym\n      }\n      dutyStations {\n        city\n        country\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription VacancyPublished($filter: VacancyFilterInput) {\n    vacancyPublished(filter: $filter) {\n      id\n      reference\n      title\n      organisation {\n        acronym\n      }\n      dutyStations {\n        city\n        country\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;