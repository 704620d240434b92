/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** The kind of contract a vacancy offers. */
export type ContractType =
  /** A consultancy. */
  | 'CONSULTANCY'
  /** A fixed-term appointment. */
  | 'FIXED_TERM'
  /** An internship. */
  | 'INTERNSHIP'
  /** A technical-cooperation project appointment. */
  | 'TECHNICAL_COOPERATION'
  /** A temporary appointment. */
  | 'TEMPORARY';

/** A document a notice asks applicants for. */
export type DocumentKind =
  /** Cover letter. */
  | 'COVER_LETTER'
  /** Curriculum vitae. */
  | 'CV'
  /** Copies of diplomas. */
  | 'DIPLOMA'
  /** A completed online profile on the agency's recruitment site. */
  | 'ONLINE_PROFILE'
  /** Anything else the notice names. */
  | 'OTHER'
  /** References or referees' contacts. */
  | 'REFERENCES';

/** A place a post is based. */
export type DutyStationInput = {
  /** The city; leave it out when the duty station is the whole country (`Maroc`). */
  city?: string | null | undefined;
  /** The country (ISO 3166-1 alpha-2). */
  country: string;
};

/** A level of education, from lowest to highest. */
export type EducationLevel =
  /** Bachelor's or first university degree (licence). */
  | 'BACHELOR'
  /** Doctorate. */
  | 'DOCTORATE'
  /** Master's or advanced university degree. */
  | 'MASTER'
  /** Secondary school diploma. */
  | 'SECONDARY'
  /** Vocational or technical diploma after secondary school. */
  | 'VOCATIONAL';

/** The staff category a grade belongs to. */
export type GradeCategory =
  /** Consultants and individual contractors. */
  | 'CONSULTANT'
  /** Directors (D1–D2). */
  | 'DIRECTOR'
  /** Locally recruited support staff (G1–G7). */
  | 'GENERAL_SERVICE'
  /** Interns. */
  | 'INTERN'
  /** National professional officers (NO-A to NO-E). */
  | 'NATIONAL_OFFICER'
  /** Internationally recruited professionals (P1–P5). */
  | 'PROFESSIONAL';

/** How well a language is known, from least to most. */
export type LanguageLevel =
  /** Basic knowledge. */
  | 'BASIC'
  /** Excellent or perfect command. */
  | 'EXCELLENT'
  /** Fluent: a good command, spoken and written. */
  | 'FLUENT'
  /** Working knowledge. */
  | 'WORKING';

/** A language the post asks for. */
export type LanguageRequirementInput = {
  /** ISO 639 code (`fr`, `ary`). */
  language: string;
  /** The level asked for. */
  level?: LanguageLevel | null | undefined;
  /** The notice's own wording ("Maîtriser au moins une langue locale parlée au Maroc"). */
  note?: string | null | undefined;
  /** Requirements sharing this number are alternatives. */
  oneOfGroup?: number | null | undefined;
  /** Required or desirable. */
  requirement: Requirement;
};

/** Text in one language. */
export type LocalizedTextInput = {
  /** ISO 639 code. */
  language: string;
  /** The text. */
  text: string;
};

/**
 * Whose nationals may apply: a rule of its own, not the residency rule (a National Officer
 * post is open to nationals of the duty station's country, wherever they live).
 */
export type NationalityRule =
  /** Nationals of a duty station's country only (National Officer posts). */
  | 'DUTY_STATION_COUNTRY'
  /** Nationals of the countries the notice lists. */
  | 'LISTED_COUNTRIES'
  /** No nationality requirement. */
  | 'NONE';

/** An experience or skill line. */
export type NoticeLineInput = {
  /** Required ("obligatoire") or desirable ("un atout"); leave it out when the notice does not say. */
  requirement?: Requirement | null | undefined;
  /** The line as the notice words it. */
  text: string;
};

/** One way to qualify. */
export type QualificationPathInput = {
  /** The notice's own wording. */
  description?: string | null | undefined;
  /** The lowest education level accepted. */
  educationLevel: EducationLevel;
  /** Fields of study. */
  fields?: Array<string>;
  /** Years of relevant experience required (0–60). */
  minYearsExperience: number;
};

/** A screening question of the application form. */
export type QuestionInput = {
  /** The kind of answer it takes. */
  kind: QuestionKind;
  /** The largest number accepted, for a number question. */
  maxNumber?: number | null | undefined;
  /** The smallest number accepted, for a number question. */
  minNumber?: number | null | undefined;
  /** The options of a choice question. */
  options?: Array<QuestionOptionInput>;
  /** The wording, in the notice's languages. */
  prompt: Array<LocalizedTextInput>;
  /** Whether an answer is required (default false). */
  required?: boolean;
};

/** The kind of answer a question takes. */
export type QuestionKind =
  /** Any number of the options. */
  | 'MULTIPLE_CHOICE'
  /** A number, optionally within a range. */
  | 'NUMBER'
  /** One of the options. */
  | 'SINGLE_CHOICE'
  /** Free text. */
  | 'TEXT'
  /** Yes or no. */
  | 'YES_NO';

/** An option of a choice question. */
export type QuestionOptionInput = {
  /** The option's label, in the notice's languages. */
  labels: Array<LocalizedTextInput>;
  /** The value answers carry; stable across languages. */
  value: string;
};

/** Signing up as a candidate. */
export type RegisterInput = {
  /** The e-mail address to sign in with (stored in lower case; one account per address). */
  email: string;
  /** The candidate's full name. */
  fullName: string;
  /** The language of the mails: `en` (the default), `fr` or `ar`. */
  language?: string | null | undefined;
  /**
   * At least 10 characters (up to 256), not one of the most common passwords; no rules on
   * what it is made of: a few unrelated words make a strong one.
   */
  password: string;
};

/** A document applications must include. */
export type RequiredDocumentInput = {
  /** How many. */
  count?: number | null | undefined;
  /** The kind of document. */
  kind: DocumentKind;
  /** What the notice says about it. */
  note?: string | null | undefined;
};

/** Whether a requirement must be met. */
export type Requirement =
  /** An advantage. */
  | 'DESIRABLE'
  /** Must be met. */
  | 'REQUIRED';

/** Where candidates must live to be considered. */
export type ResidencyRule =
  /** Legal residence in the duty station's country. */
  | 'DUTY_STATION_COUNTRY'
  /** Legal residence in the duty station's country or a neighbouring one within commuting distance. */
  | 'DUTY_STATION_OR_NEIGHBOURING'
  /** No residency requirement. */
  | 'NONE';

/** What a signed-in account may do. */
export type Role =
  /** A recruiter who also manages the organisation's profile and accounts. */
  | 'AGENCY_ADMIN'
  /** Looks for jobs and applies. */
  | 'CANDIDATE'
  /** Runs the platform. */
  | 'PLATFORM_ADMIN'
  /** Posts and manages an organisation's vacancies and applications. */
  | 'RECRUITER';

/** A competency asked for. */
export type VacancyCompetencyInput = {
  /** The competency (global ID). */
  competencyId: string | number;
  /** The level asked for (1–3). */
  level?: number | null | undefined;
  /** Required or desirable. */
  requirement: Requirement;
};

/** Narrows a vacancy list; every field is optional and they combine with AND. */
export type VacancyFilterInput = {
  /** Vacancies with a duty station in this city (case-insensitive). */
  city?: string | null | undefined;
  /** Vacancies closing at or after this instant. */
  closingAfter?: string | null | undefined;
  /** Vacancies closing before this instant. */
  closingBefore?: string | null | undefined;
  /** Vacancies offering this kind of contract. */
  contractType?: ContractType | null | undefined;
  /** Vacancies with a duty station in this country (ISO 3166-1 alpha-2). */
  country?: string | null | undefined;
  /**
   * Only open vacancies the signed-in candidate's profile meets: qualification paths,
   * required languages, residency, nationality and who may apply, by the same rules as the
   * recruiters' screening. Candidates with a complete profile only: anonymous callers get
   * `UNAUTHENTICATED`, staff `FORBIDDEN`, an incomplete profile `BAD_USER_INPUT`. At most
   * 2,000 open vacancies are screened per request: narrow the filter past that.
   */
  eligibleForMe?: boolean | null | undefined;
  /** Vacancies of this grade (`G5`, `P4`). */
  grade?: string | null | undefined;
  /** Vacancies whose grade is in this category. */
  gradeCategory?: GradeCategory | null | undefined;
  /** Only vacancies accepting applications now. */
  openOnly?: boolean | null | undefined;
  /** Vacancies that are (true) or are not (false) open to candidates from outside. */
  openToExternal?: boolean | null | undefined;
  /** Vacancies that are (true) or are not (false) open to the organisation's own staff. */
  openToInternal?: boolean | null | undefined;
  /** Vacancies of the organisation with this acronym, in any language (`IOM` or `OIM`). */
  organisation?: string | null | undefined;
  /** Vacancies of this organisation (global ID). */
  organisationId?: string | number | null | undefined;
  /**
   * Vacancies of a project with this code (`ORION`), whichever organisation leads it: a code
   * is unique within its lead organisation only. With `organisation` (or `organisationId`)
   * too, that organisation's vacancies on a project with this code; `projectId` names one
   * project.
   */
  project?: string | null | undefined;
  /** Vacancies of this project (global ID). */
  projectId?: string | number | null | undefined;
  /**
   * A web-style search. Words must all occur in the notice, in any order, case and accents
   * ignored (`réintégration` finds `Reintegration`; Arabic without harakat or tatweel, any
   * alef, `ة`/`ه`, `ى`/`ي`, Arabic-Indic digits as 0-9); the last word, typed plain, may be
   * the start of one (`coord` finds `Coordonnateur`). `"a phrase"` finds its words in a
   * row; `-word` and `-"a phrase"` exclude; `OR` (uppercase) between two terms finds
   * either (`maroc OR tunisie`). A word with punctuation is the phrase of its parts
   * (`VN-2023/005`). Searches titles, reference, organisation names and every acronym
   * (`OIM` finds IOM's notices), project code and name, duty stations and countries (code,
   * English and French name), and the notice's text. At most 200 characters and 12 words;
   * a search with only exclusions is refused (`BAD_USER_INPUT`).
   */
  search?: string | null | undefined;
  /** Vacancies in any of these statuses (a published notice past its deadline counts as closed). */
  status?: Array<VacancyStatus> | null | undefined;
};

/** A whole vacancy notice. Lists replace what a stored notice had. */
export type VacancyInput = {
  /** Whom candidates who need reasonable accommodation write to (an e-mail address). */
  accommodationContact?: string | null | undefined;
  /** The e-mail address applications go to. */
  applyEmail?: string | null | undefined;
  /** The subject line applications by e-mail must carry. */
  applyEmailSubject?: string | null | undefined;
  /** The page where one applies online. */
  applyUrl?: string | null | undefined;
  /** The language whose text is authoritative (ISO 639); a text in it is required. */
  authoritativeLanguage: string;
  /** The exact closing instant. Give this, or `closingDate`. */
  closingAt?: string | null | undefined;
  /** The closing date in `timeZone`: the notice closes at the end of that day, or at `closingTime`. */
  closingDate?: unknown;
  /** A local closing time (HH:MM) on `closingDate`. */
  closingTime?: string | null | undefined;
  /** Competencies asked for, from the organisation's framework or the global one. */
  competencies?: Array<VacancyCompetencyInput>;
  /** The kind of contract. */
  contractType?: ContractType | null | undefined;
  /** The department, when the notice names one besides the unit (`BR-Afrique`). */
  department?: string | null | undefined;
  /** The contract's length in months (1–120). */
  durationMonths?: number | null | undefined;
  /** Where the posts are based. */
  dutyStations?: Array<DutyStationInput>;
  /** The job id in the organisation's own recruitment system. */
  externalJobId?: string | null | undefined;
  /** The grade (`G5`, `P4`, `NO-B`, `INTERN`, `CONSULTANT`); its category is derived. */
  grade?: string | null | undefined;
  /** Whether internal candidates are considered first (default false). */
  internalFirst?: boolean;
  /** The job family or category the notice files the post under (`Finance`). */
  jobFamily?: string | null | undefined;
  /** Language requirements. */
  languages?: Array<LanguageRequirementInput>;
  /**
   * Whose nationals may apply (default NONE): `DUTY_STATION_COUNTRY` for a National Officer
   * post, `LISTED_COUNTRIES` with `nationalityCountries`. Not the residency rule.
   */
  nationality?: NationalityRule | null | undefined;
  /** The countries (ISO 3166-1 alpha-2) of a `LISTED_COUNTRIES` rule; none for another rule. */
  nationalityCountries?: Array<string>;
  /** Whether outside candidates may apply. */
  openToExternal: boolean;
  /** Whether the organisation's own staff may apply. */
  openToInternal: boolean;
  /**
   * The other projects the post serves (global IDs), in order, after `projectId`; the
   * organisation must lead or partner in each.
   */
  otherProjectIds?: Array<string | number>;
  /** How many posts the notice fills (default 1). */
  positions?: number | null | undefined;
  /** The project the post serves (global ID); the organisation must lead or partner in it. */
  projectId?: string | number | null | undefined;
  /** Ways to qualify; any one suffices. */
  qualificationPaths?: Array<QualificationPathInput>;
  /** The notice's own application form: screening questions, in order. */
  questions?: Array<QuestionInput>;
  /** The notice's reference, unique within the organisation (`VN 2023/005`). */
  reference: string;
  /** Whether the contract may be extended. */
  renewable?: boolean | null | undefined;
  /** Documents an application must include. */
  requiredDocuments?: Array<RequiredDocumentInput>;
  /** Where candidates must live (default NONE). */
  residency?: ResidencyRule | null | undefined;
  /** Whether the post starts as soon as possible (default false). */
  startAsap?: boolean;
  /** The planned start date. */
  startDate?: unknown;
  /**
   * The publication date the notice states; kept as given when the notice is published
   * (`publishedAt` records when it went live here).
   */
  statedPublicationDate?: unknown;
  /** The notice's text, one per language. */
  texts: Array<VacancyTextInput>;
  /** The IANA time zone the notice's dates are in (`Europe/Zurich` for "midnight, Geneva time"). */
  timeZone: string;
  /** The unit or office (`BP-Alger`). */
  unit?: string | null | undefined;
  /** The language the post works in (ISO 639). */
  workingLanguage?: string | null | undefined;
};

/** Where a vacancy is in its life. */
export type VacancyStatus =
  /** Done and kept for the record. */
  | 'ARCHIVED'
  /** Withdrawn before it was filled. */
  | 'CANCELLED'
  /** Past its closing instant or closed by hand; applications are being processed. */
  | 'CLOSED'
  /** Being written; seen only by its organisation. */
  | 'DRAFT'
  /** Open for applications until its closing instant. */
  | 'PUBLISHED';

/** The notice's text in one language. */
export type VacancyTextInput = {
  /** Everything else the notice says. */
  additionalInformation?: string | null | undefined;
  /** Conditions of the offer. */
  conditions?: Array<string>;
  /** The context of the post. */
  context?: string | null | undefined;
  /** Experience sought, as plain lines. Give this or `experienceLines`. */
  experience?: Array<string>;
  /** Experience sought, each line with whether it is required or desirable. */
  experienceLines?: Array<NoticeLineInput> | null | undefined;
  /** How to apply. */
  howToApply?: string | null | undefined;
  /** ISO 639 code of this text. */
  language: string;
  /** The paragraph presenting the organisation. */
  organisationIntro?: string | null | undefined;
  /** Who the post reports to. */
  reportingLines?: string | null | undefined;
  /** The responsibilities, in order. */
  responsibilities?: Array<string>;
  /** The sentence introducing the responsibilities. */
  responsibilitiesIntro?: string | null | undefined;
  /** Skills sought, each line with whether it is required or desirable. */
  skillLines?: Array<NoticeLineInput> | null | undefined;
  /** Skills sought, as plain lines. Give this or `skillLines`. */
  skills?: Array<string>;
  /** The post's title. */
  title: string;
};

export type RegisterMutationVariables = Exact<{
  input: RegisterInput;
}>;


export type RegisterMutation = { register: { email: string } };

export type LoginMutationVariables = Exact<{
  email: string;
  password: string;
}>;


export type LoginMutation = { login: { token: string, expiresAt: string, account: { fullName: string, role: Role } } };

export type OpenVacanciesQueryVariables = Exact<{
  first: number;
  search?: string | null | undefined;
}>;


export type OpenVacanciesQuery = { vacancies: { totalCount: number, facets: { organisations: Array<{ count: number, organisation: { acronym: string } }>, countries: Array<{ country: string, count: number }>, gradeCategories: Array<{ gradeCategory: GradeCategory | null, count: number }>, contractTypes: Array<{ contractType: ContractType | null, count: number }> } | null, edges: Array<{ node: { id: string, reference: string, title: string, closingAt: string | null, grade: string | null, organisation: { acronym: string }, dutyStations: Array<{ city: string | null, country: string }> } }> } };

export type CreateVacancyMutationVariables = Exact<{
  input: VacancyInput;
}>;


export type CreateVacancyMutation = { createVacancy: { id: string, version: number } };

export type PublishVacancyMutationVariables = Exact<{
  id: string | number;
  version: number;
}>;


export type PublishVacancyMutation = { publishVacancy: { reference: string, status: VacancyStatus } };

export type VacancyPublishedSubscriptionVariables = Exact<{
  filter?: VacancyFilterInput | null | undefined;
}>;


export type VacancyPublishedSubscription = { vacancyPublished: { id: string, reference: string, title: string, organisation: { acronym: string }, dutyStations: Array<{ city: string | null, country: string }> } };


export const RegisterDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"Register"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RegisterInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"register"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"email"}}]}}]}}]} as unknown as DocumentNode<RegisterMutation, RegisterMutationVariables>;
export const LoginDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"Login"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"email"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"password"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"login"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"email"},"value":{"kind":"Variable","name":{"kind":"Name","value":"email"}}},{"kind":"Argument","name":{"kind":"Name","value":"password"},"value":{"kind":"Variable","name":{"kind":"Name","value":"password"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"token"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"account"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fullName"}},{"kind":"Field","name":{"kind":"Name","value":"role"}}]}}]}}]}}]} as unknown as DocumentNode<LoginMutation, LoginMutationVariables>;
export const OpenVacanciesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"OpenVacancies"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"search"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"vacancies"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"openOnly"},"value":{"kind":"BooleanValue","value":true}},{"kind":"ObjectField","name":{"kind":"Name","value":"search"},"value":{"kind":"Variable","name":{"kind":"Name","value":"search"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"facets"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"organisations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"organisation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"acronym"}}]}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}},{"kind":"Field","name":{"kind":"Name","value":"countries"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"country"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}},{"kind":"Field","name":{"kind":"Name","value":"gradeCategories"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"gradeCategory"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}},{"kind":"Field","name":{"kind":"Name","value":"contractTypes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"contractType"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"reference"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"closingAt"}},{"kind":"Field","name":{"kind":"Name","value":"grade"}},{"kind":"Field","name":{"kind":"Name","value":"organisation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"acronym"}}]}},{"kind":"Field","name":{"kind":"Name","value":"dutyStations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"city"}},{"kind":"Field","name":{"kind":"Name","value":"country"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<OpenVacanciesQuery, OpenVacanciesQueryVariables>;
export const CreateVacancyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateVacancy"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"VacancyInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createVacancy"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}}]}}]} as unknown as DocumentNode<CreateVacancyMutation, CreateVacancyMutationVariables>;
export const PublishVacancyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"PublishVacancy"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"version"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"publishVacancy"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"version"},"value":{"kind":"Variable","name":{"kind":"Name","value":"version"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reference"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]} as unknown as DocumentNode<PublishVacancyMutation, PublishVacancyMutationVariables>;
export const VacancyPublishedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"VacancyPublished"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"VacancyFilterInput"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"vacancyPublished"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"reference"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"organisation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"acronym"}}]}},{"kind":"Field","name":{"kind":"Name","value":"dutyStations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"city"}},{"kind":"Field","name":{"kind":"Name","value":"country"}}]}}]}}]}}]} as unknown as DocumentNode<VacancyPublishedSubscription, VacancyPublishedSubscriptionVariables>;