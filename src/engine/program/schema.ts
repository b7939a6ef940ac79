/**
 * The shape of a program definition file, as a program manager writes it
 * (YAML or JSON). Structure only; cross-references (an exam a requirement
 * names, a market a threshold names) are checked when the definition is
 * compiled, where the whole definition is in view.
 */
import { z } from 'zod';

import { LOCALES, type Locale } from '../locales.js';

export { LOCALES, type Locale };

// Custom errors are codes of the `problem` catalog, listed in SCHEMA_CODES (problems.ts) for problemsFromZod to know them.
const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'notId');

const isoDate = z.iso.date({ error: 'notCalendarDate' }).brand<'IsoDate'>();

/** A calendar month, YYYY-MM. */
const isoMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'notMonth');

/** A text in English, with translations where they exist. */
export const localizedText = z
  .object({
    en: z.string().min(1),
    'fr-FR': z.string().min(1).optional(),
    'zh-TW': z.string().min(1).optional(),
  })
  .strict();
export type LocalizedText = z.infer<typeof localizedText>;

/** A US-dollar amount: whole dollars or dollars and cents, as a number or decimal text. */
/** A link shown on requirement pages: a web address only (http or https), never javascript:, data: or the like. */
const webLink = z.url({ protocol: /^https?$/, error: 'notWebLink' });

const usdAmount = z.union([z.number(), z.string()], { error: 'numberOrDecimalText' });

const market = z.object({ id, name: localizedText }).strict();

const associationType = z
  .object({
    id,
    name: localizedText,
    /** A customer can have only one association of this type at a time. */
    exclusive: z.boolean().default(false),
    link: webLink.optional(),
  })
  .strict();

const product = z
  .object({
    id,
    name: localizedText,
    /** Products sold as part of this one; a scope that names it counts them too. */
    components: z.array(id).default([]),
  })
  .strict();

const exam = z
  .object({
    id,
    title: localizedText,
    link: webLink.optional(),
    /** Last day the exam can be taken; plans never propose it after that. */
    retires: isoDate.optional(),
    /** Last evaluation date on which a pass of this exam still counts. */
    acceptedUntil: isoDate.optional(),
    /** The month the exam was first offered: a pass dated earlier is bad input. */
    availableFrom: isoMonth.optional(),
    /** Exams whose passes count as passes of this one (a page that lists a successor where its predecessor was). */
    acceptsPassesOf: z.array(id).default([]),
  })
  .strict();

const revenueRequirement = z
  .object({
    id,
    kind: z.literal('revenue'),
    name: localizedText.optional(),
    /** Products whose revenue counts (each with its components). */
    products: z.array(id).min(1),
    /** Count only lines marked as net new revenue. */
    netNewOnly: z.boolean(),
    /** The association type that attributes a customer's revenue to a partner. */
    attribution: id,
    /**
     * Threshold in US dollars per market id; "at least" means greater or equal.
     * null: the page published no threshold for that market, so no partner of it attains the level.
     */
    minimumUsd: z.record(id, usdAmount.nullable()),
    /** The page calls it cloud revenue. */
    cloud: z.boolean().default(false),
  })
  .strict();

const examSet = z
  .object({
    exams: z.array(id).min(1),
    /** How many exams of the set a person must have passed; all of them when absent. */
    minimum: z.int().min(1).optional(),
  })
  .strict();

const certifiedPeopleRequirement = z
  .object({
    id,
    kind: z.literal('certified-people'),
    name: localizedText.optional(),
    /** How many people must qualify. */
    people: z.int().min(1),
    examSets: z.array(examSet).min(1),
    /**
     * true: the same people must satisfy every set ("the same 5 individuals").
     * false: each set needs its own count of people, who may or may not be the same ("the same or different").
     */
    samePeople: z.boolean().default(true),
  })
  .strict();

const singleRequirement = z.discriminatedUnion('kind', [revenueRequirement, certifiedPeopleRequirement], {
  error: 'notSingleRequirementKind',
});

/** Alternatives between whole requirements: met when any one alternative is met. */
const anyOfRequirement = z
  .object({
    id,
    kind: z.literal('any-of'),
    name: localizedText.optional(),
    alternatives: z.array(singleRequirement).min(2),
  })
  .strict();

export const requirementDefinition = z.discriminatedUnion('kind', [revenueRequirement, certifiedPeopleRequirement, anyOfRequirement], {
  error: 'notRequirementKind',
});

const level = z
  .object({
    id,
    name: localizedText,
    requirements: z.array(requirementDefinition).min(1),
  })
  .strict();

const option = z
  .object({
    id,
    name: localizedText,
    description: localizedText.optional(),
    /** From the lowest level to the highest. */
    levels: z.array(level).min(1),
  })
  .strict();

const competency = z
  .object({
    id,
    name: localizedText,
    description: localizedText.optional(),
    options: z.array(option).min(1),
  })
  .strict();

/** Where a version's rules were read: one revision of a published page in a git repository. */
const pageRevision = z
  .object({
    repository: z.string().min(1),
    branch: z.string().min(1).optional(),
    path: z.string().min(1),
    commit: z.string().regex(/^[0-9a-f]{7,40}$/),
    /** The page's ms.lasthandoff date. */
    handoff: isoDate,
    /** The localized pages of the same revision. */
    translations: z
      .record(
        z.enum(['fr-FR', 'zh-TW']),
        z.object({ repository: z.string().min(1), commit: z.string().regex(/^[0-9a-f]{7,40}$/) }).strict(),
      )
      .optional(),
  })
  .strict();

/** How Attain reads the version's page: an erratum (a slip of the page) or a reading of an ambiguity. */
const versionNote = z.object({ kind: z.enum(['erratum', 'reading']), text: localizedText }).strict();

export const programDefinition = z
  .object({
    id,
    name: localizedText,
    /** The date from which this version of the program applies. */
    effectiveFrom: isoDate,
    source: z.union([z.string(), pageRevision]).optional(),
    notes: z.array(versionNote).default([]),
    /** From this date the source publishes no requirements: this version stays the last published one. */
    publicationEnded: z.object({ on: isoDate, source: pageRevision.optional() }).strict().optional(),
    markets: z.array(market).min(1),
    /** ISO 3166-1 alpha-2 country code → market id. */
    countries: z.record(z.string().regex(/^[A-Z]{2}$/, 'notCountryCode'), id),
    associationTypes: z.array(associationType).min(1),
    products: z.array(product).min(1),
    exams: z.array(exam).min(1),
    competencies: z.array(competency).min(1),
  })
  .strict();

export type ProgramDefinition = z.infer<typeof programDefinition>;
export type ProgramDefinitionInput = z.input<typeof programDefinition>;
export type RequirementDefinition = z.infer<typeof requirementDefinition>;
export type PageRevision = z.infer<typeof pageRevision>;
export type VersionNote = z.infer<typeof versionNote>;
export type SingleRequirementDefinition = z.infer<typeof singleRequirement>;
