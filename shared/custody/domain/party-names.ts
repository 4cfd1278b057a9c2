/**
 * Organizations named beside their URNs when events are shown, never inside the events:
 * an event's id is the CBV 2.0 hash of its fields and its Merkle leaf the hash of its stored
 * JSON, so a name added to an event would change both (and a renamed organization would
 * rewrite history). Names go where EPCIS 2.0 puts what describes an identifier: master
 * data, as vocabularies beside the event list, and extra columns of a CSV export.
 */
import { ORG_URI_PREFIX } from './identifiers';

export interface Party {
  name: string;
  /** As registered: "CN-AH Hefei" (province and city) or "CN". */
  region: string;
}

export type Parties = ReadonlyMap<string, Party>;

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const list = (value: unknown): Record<string, unknown>[] =>
  Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => v !== null && typeof v === 'object') : [];
const isOrg = (uri: string | undefined): uri is string => uri?.startsWith(ORG_URI_PREFIX) === true;

/** The organization URIs an event names: where it was read (the reporter), and its sources and destinations. */
export const organizationsOf = (event: Record<string, unknown>): { readPoints: string[]; sourceDests: string[] } => {
  const readPoint = text((event.readPoint as { id?: unknown } | undefined)?.id);
  const readPoints = [readPoint, text(event['traceseal:reporter'])].filter(isOrg);
  const sourceDests = [
    ...list(event.sourceList).map((s) => text(s.source)),
    ...list(event.destinationList).map((d) => text(d.destination)),
  ].filter(isOrg);
  return { readPoints: [...new Set(readPoints)], sourceDests: [...new Set(sourceDests)] };
};

const CBV_MDA = 'urn:epcglobal:cbv:mda:';

/** "CN-AH Hefei" → country CN, state CN-AH (ISO 3166-2), city Hefei; other spellings are the city alone. */
const placeOf = (region: string): { countryCode?: string; state?: string; city?: string } => {
  const match = /^([A-Z]{2})(?:-([A-Z0-9]{1,3}))?(?:\s+(.+))?$/.exec(region.trim());
  if (match === null) return region.trim() === '' ? {} : { city: region.trim() };
  const [, country = '', subdivision, city] = match;
  return {
    countryCode: country,
    ...(subdivision === undefined ? {} : { state: `${country}-${subdivision}` }),
    ...(city === undefined ? {} : { city }),
  };
};

const elementOf = (uri: string, party: Party) => ({
  id: uri,
  attributes: [
    { id: `${CBV_MDA}name`, attribute: party.name },
    ...Object.entries(placeOf(party.region)).map(([key, value]) => ({ id: `${CBV_MDA}${key}`, attribute: value })),
  ],
});

/** Organization URIs by the vocabulary that names them, each list in the order first met. */
export interface PartyUris {
  readPoints: string[];
  sourceDests: string[];
}

export interface Vocabulary {
  type: string;
  vocabularyElementList: ReturnType<typeof elementOf>[];
}

/**
 * The organizations `event` names that `seen` lacks, at most `room` of them in all (read
 * points first), and how many more there were: what a streamed export has not named yet.
 */
export const newPartiesOf = (
  event: Record<string, unknown>,
  seen: { readPoints: ReadonlySet<string>; sourceDests: ReadonlySet<string> },
  room: number,
): { fresh: PartyUris; beyond: number } => {
  const named = organizationsOf(event);
  const unseenReadPoints = named.readPoints.filter((uri) => !seen.readPoints.has(uri));
  const unseenSourceDests = named.sourceDests.filter((uri) => !seen.sourceDests.has(uri));
  const readPoints = unseenReadPoints.slice(0, Math.max(0, room));
  const sourceDests = unseenSourceDests.slice(0, Math.max(0, room - readPoints.length));
  const beyond = unseenReadPoints.length + unseenSourceDests.length - readPoints.length - sourceDests.length;
  return { fresh: { readPoints, sourceDests }, beyond };
};

/**
 * EPCIS 2.0 master data for these organizations: a ReadPoint vocabulary for where events
 * were read, a SourceDest one for sources and destinations, each element the CBV master
 * data attributes name, countryCode, state and city. Organizations not in `parties` are
 * left out; no vocabulary is empty.
 */
export const vocabulariesOf = (uris: PartyUris, parties: Parties): Vocabulary[] => {
  const vocabulary = (type: string, list: readonly string[]): Vocabulary[] => {
    const elements = list.flatMap((uri) => {
      const party = parties.get(uri);
      return party === undefined ? [] : [elementOf(uri, party)];
    });
    return elements.length === 0 ? [] : [{ type, vocabularyElementList: elements }];
  };
  return [
    ...vocabulary('urn:epcglobal:epcis:vtype:ReadPoint', uris.readPoints),
    ...vocabulary('urn:epcglobal:epcis:vtype:SourceDest', uris.sourceDests),
  ];
};

/** The master data of the organizations of `events` (see vocabulariesOf). */
export const partyVocabularies = (events: readonly Record<string, unknown>[], parties: Parties): Vocabulary[] => {
  const readPoints = new Set<string>();
  const sourceDests = new Set<string>();
  for (const event of events) {
    const named = organizationsOf(event);
    for (const uri of named.readPoints) readPoints.add(uri);
    for (const uri of named.sourceDests) sourceDests.add(uri);
  }
  return vocabulariesOf({ readPoints: [...readPoints], sourceDests: [...sourceDests] }, parties);
};

/** "Name (region)" of each organization URI, for a CSV cell; unknown ones are left out. */
export const namesOf = (uris: readonly string[], parties: Parties): string =>
  uris
    .flatMap((uri) => {
      const party = parties.get(uri);
      return party === undefined ? [] : [`${party.name} (${party.region})`];
    })
    .join(' | ');

/**
 * The names master data gives, read back (verify-export): URI → "Name (region)", the region
 * spelt as registered. Anything not in the written shape is left out, never an error: names
 * are shown beside the records, they vouch for none of them.
 */
export const namesIn = (vocabularyList: unknown): Map<string, string> => {
  const names = new Map<string, string>();
  for (const vocabulary of list(vocabularyList)) {
    for (const element of list(vocabulary.vocabularyElementList)) {
      const id = text(element.id);
      const attributes = new Map(list(element.attributes).map((a) => [text(a.id), text(a.attribute)]));
      const name = attributes.get(`${CBV_MDA}name`);
      if (!isOrg(id) || name === undefined) continue;
      const region = [
        attributes.get(`${CBV_MDA}state`) ?? attributes.get(`${CBV_MDA}countryCode`),
        attributes.get(`${CBV_MDA}city`),
      ]
        .filter((part) => part !== undefined)
        .join(' ');
      names.set(id, region === '' ? name : `${name} (${region})`);
    }
  }
  return names;
};
