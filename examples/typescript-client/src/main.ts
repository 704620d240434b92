// A small client of the job board API, typed from schema.graphql by GraphQL Code Generator:
// it signs up and signs in as a candidate, lists open vacancies, and subscribes to new ones.
//
//   API_URL          the GraphQL endpoint (default http://127.0.0.1:8000/graphql)
//   RECRUITER_TOKEN  optional: a recruiter's token (`cargo run -q -- token --role RECRUITER --org IOM`);
//                    with it, the client publishes a vacancy itself and waits for its event, as CI does
//   WAIT_SECONDS     how long to wait for that event (default 20); without RECRUITER_TOKEN, how long
//                    to listen for new vacancies (default 20, 0 for ever)

import { randomUUID } from 'node:crypto';
import { GraphQLClient } from 'graphql-request';

import { persistedQuery } from './apq.js';
import { graphql } from './gql/index.js';
import type { VacancyInput } from './gql/graphql.js';
import { onVacancyPublished, subscriptionClient, type PublishedVacancy } from './subscribe.js';

const API_URL = process.env.API_URL ?? 'http://127.0.0.1:8000/graphql';
const RECRUITER_TOKEN = process.env.RECRUITER_TOKEN;
const WAIT_SECONDS = Number(process.env.WAIT_SECONDS ?? '20');

const Register = graphql(`
  mutation Register($input: RegisterInput!) {
    register(input: $input) {
      email
    }
  }
`);

const Login = graphql(`
  mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) {
      token
      expiresAt
      account {
        fullName
        role
      }
    }
  }
`);

const OpenVacancies = graphql(`
  query OpenVacancies($first: Int!, $search: String) {
    vacancies(first: $first, filter: { openOnly: true, search: $search }) {
      totalCount
      facets {
        organisations {
          organisation {
            acronym
          }
          count
        }
        countries {
          country
          count
        }
        gradeCategories {
          gradeCategory
          count
        }
        contractTypes {
          contractType
          count
        }
      }
      edges {
        node {
          id
          reference
          title
          closingAt
          grade
          organisation {
            acronym
          }
          dutyStations {
            city
            country
          }
        }
      }
    }
  }
`);

const CreateVacancy = graphql(`
  mutation CreateVacancy($input: VacancyInput!) {
    createVacancy(input: $input) {
      id
      version
    }
  }
`);

const PublishVacancy = graphql(`
  mutation PublishVacancy($id: ID!, $version: Int!) {
    publishVacancy(id: $id, version: $version) {
      reference
      status
    }
  }
`);

function log(message: string) {
  console.log(`[client] ${message}`);
}

/** Signs up a new candidate and signs in (an unproven address may browse; it applies once the
 * link mailed at registration is followed); returns the token. */
async function signIn(anonymous: GraphQLClient): Promise<string> {
  const email = `candidate.${randomUUID()}@example.org`;
  const password = 'a passphrase long enough';
  await anonymous.request(Register, {
    input: { email, password, fullName: 'Amina Benali' },
  });
  const { login } = await anonymous.request(Login, { email, password });
  log(`signed in as ${login.account.fullName} (${login.account.role}) until ${login.expiresAt}`);
  return login.token;
}

/** Lists open vacancies (matching `search`, if given) with their facets. */
async function listOpenVacancies(client: GraphQLClient, search?: string) {
  const { vacancies } = await client.request(OpenVacancies, { first: 10, search });
  log(`${vacancies.totalCount} open vacancies${search ? ` matching "${search}"` : ''}`);
  const facets = vacancies.facets;
  if (facets) {
    const show = (buckets: { label: string; count: number }[]) =>
      buckets.map((b) => `${b.label} (${b.count})`).join(' · ') || '-';
    log(`  by organisation: ${show(facets.organisations.map((f) => ({ label: f.organisation.acronym, count: f.count })))}`);
    log(`  by country: ${show(facets.countries.map((f) => ({ label: f.country, count: f.count })))}`);
    log(`  by category: ${show(facets.gradeCategories.map((f) => ({ label: f.gradeCategory ?? 'none', count: f.count })))}`);
    log(`  by contract: ${show(facets.contractTypes.map((f) => ({ label: f.contractType ?? 'none', count: f.count })))}`);
  }
  for (const { node } of vacancies.edges) {
    // A duty station without a city is the whole country.
    const places = node.dutyStations
      .map((d) => (d.city ? `${d.city} (${d.country})` : d.country))
      .join(', ');
    log(`  ${node.organisation.acronym} ${node.reference} ${node.grade}: ${node.title} — ${places}, closes ${node.closingAt}`);
  }
  return vacancies;
}

function demoVacancy(reference: string): VacancyInput {
  return {
    reference,
    authoritativeLanguage: 'fr',
    grade: 'G6',
    openToInternal: true,
    openToExternal: true,
    timeZone: 'Africa/Casablanca',
    closingDate: `${new Date().getUTCFullYear() + 1}-12-31`,
    dutyStations: [{ city: 'Rabat', country: 'MA' }],
    languages: [{ language: 'fr', level: 'EXCELLENT', requirement: 'REQUIRED' }],
    qualificationPaths: [{ educationLevel: 'BACHELOR', minYearsExperience: 4 }],
    texts: [
      {
        language: 'fr',
        title: 'Assistant(e) à la réintégration',
        responsibilities: ['Assister la cheffe de projet dans le suivi des bénéficiaires'],
      },
    ],
  };
}

/** As a recruiter, creates and publishes a notice; returns its reference. */
async function publishVacancy(recruiter: GraphQLClient): Promise<string> {
  const reference = `CLIENT/${Date.now()}`;
  const { createVacancy } = await recruiter.request(CreateVacancy, { input: demoVacancy(reference) });
  const { publishVacancy } = await recruiter.request(PublishVacancy, {
    id: createVacancy.id,
    version: createVacancy.version,
  });
  log(`recruiter published ${publishVacancy.reference} (${publishVacancy.status})`);
  return reference;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const anonymous = new GraphQLClient(API_URL);
  const token = await signIn(anonymous);
  const candidate = new GraphQLClient(API_URL, { headers: { authorization: `Bearer ${token}` } });
  const before = await listOpenVacancies(candidate);

  // The same list through an automatic persisted query: the second GET is served by hash.
  await persistedQuery(API_URL, OpenVacancies, { first: 10 });
  const { hit } = await persistedQuery(API_URL, OpenVacancies, { first: 10 });
  if (!hit) throw new Error('the persisted query was not found the second time');
  log('listed again by persisted-query hash over GET');

  // New vacancies in Morocco, pushed over WebSocket, as the signed-in candidate.
  const events = subscriptionClient(API_URL, token);
  const received: PublishedVacancy[] = [];
  let failure: unknown;
  const stop = onVacancyPublished(
    events,
    'MA',
    (vacancy) => {
      received.push(vacancy);
      log(`new vacancy: ${vacancy.organisation.acronym} ${vacancy.reference} ${vacancy.title}`);
    },
    (error) => {
      failure = error;
    },
  );
  const deadline = Date.now() + WAIT_SECONDS * 1000;
  try {
    if (!RECRUITER_TOKEN) {
      log(`listening for new vacancies in Morocco${WAIT_SECONDS > 0 ? ` for ${WAIT_SECONDS} s` : ''}; set RECRUITER_TOKEN to publish one`);
      while ((WAIT_SECONDS <= 0 || Date.now() < deadline) && failure === undefined) await sleep(200);
      if (failure !== undefined) throw failure;
      return;
    }
    const recruiter = new GraphQLClient(API_URL, {
      headers: { authorization: `Bearer ${RECRUITER_TOKEN}` },
    });
    // A subscription starts when the server has read it; publish until one of ours arrives.
    const published: string[] = [];
    let delivered: PublishedVacancy | undefined;
    while (!delivered && Date.now() < deadline && failure === undefined) {
      published.push(await publishVacancy(recruiter));
      const waitUntil = Math.min(deadline, Date.now() + 2000);
      while (!delivered && Date.now() < waitUntil && failure === undefined) {
        await sleep(50);
        delivered = received.find((v) => published.includes(v.reference));
      }
    }
    if (failure !== undefined) throw failure;
    if (!delivered) throw new Error(`no vacancyPublished event within ${WAIT_SECONDS} s for ${published.join(', ')}`);
    log(`the subscription delivered ${delivered.reference}`);

    const reference = delivered.reference;
    // By its words and reference: the sample notices fill the first pages of "reintegration rabat".
    const after = await listOpenVacancies(candidate, `reintegration rabat ${reference}`);
    if (!after.edges.some(({ node }) => node.reference === reference)) {
      throw new Error(`a search does not find ${reference}`);
    }
    const iom = after.facets?.organisations.find((f) => f.organisation.acronym === 'IOM');
    const total = (await candidate.request(OpenVacancies, { first: 1 })).vacancies.totalCount;
    if (!iom || iom.count < 1 || total < before.totalCount + published.length) {
      throw new Error('the facets or the total do not count the new vacancies');
    }
  } finally {
    stop();
    await events.dispose();
  }
}

main().then(
  () => log('done'),
  (error: unknown) => {
    console.error('[client] failed:', error);
    process.exit(1);
  },
);
