/**
 * An EPCIS query page read for people: each event's time, step, where and by whom (the
 * organizations by the names the answer's master data gives, never their URNs), and what it
 * was about (GTIN, lot and serial read from the Digital Link EPCs).
 */
export interface Party {
  readonly name: string;
  /** As registered (`CN-AH Hefei`), for formatRegion. */
  readonly region?: string;
}

export interface EventRow {
  readonly key: string;
  readonly eventTime: string;
  readonly recordTime?: string;
  readonly bizStep: string;
  readonly reporter?: Party;
  readonly destination?: Party;
  /** The region the event was recorded in, as registered (`CN-ZJ Hangzhou`). */
  readonly location?: string;
  readonly subjects: readonly Subject[];
}

export interface Subject {
  readonly gtin?: string;
  readonly lot?: string;
  readonly serial?: string;
  readonly sscc?: string;
}

const MDA = 'urn:epcglobal:cbv:mda:';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);
const list = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isObject) : []);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** URN → name and region, from the query answer's vocabularyList. */
export const partiesOf = (vocabularyList: unknown): Map<string, Party> => {
  const parties = new Map<string, Party>();
  for (const vocabulary of list(vocabularyList)) {
    for (const element of list(vocabulary.vocabularyElementList)) {
      const id = text(element.id);
      const attributes = new Map(list(element.attributes).map((a) => [text(a.id), text(a.attribute)]));
      const name = attributes.get(`${MDA}name`);
      if (id === undefined || name === undefined) continue;
      const region = [attributes.get(`${MDA}state`) ?? attributes.get(`${MDA}countryCode`), attributes.get(`${MDA}city`)]
        .filter((part) => part !== undefined)
        .join(' ');
      parties.set(id, region === '' ? { name } : { name, region });
    }
  }
  return parties;
};

/** A GS1 Digital Link EPC or class read into its keys; anything else is left out. */
export const subjectOf = (uri: string): Subject | undefined => {
  let path: string;
  try {
    path = new URL(uri).pathname;
  } catch {
    return undefined;
  }
  const parts = path.split('/').slice(1);
  const keys = new Map<string, string>();
  for (let i = 0; i + 1 < parts.length; i += 2) keys.set(parts[i] ?? '', decodeURIComponent(parts[i + 1] ?? ''));
  const sscc = keys.get('00');
  if (sscc !== undefined) return { sscc };
  const gtin = keys.get('01');
  if (gtin === undefined) return undefined;
  const lot = keys.get('10');
  const serial = keys.get('21');
  return { gtin, ...(lot === undefined ? {} : { lot }), ...(serial === undefined ? {} : { serial }) };
};

/** The bare CBV name of a step given as a name or a URI (`https://ref.gs1.org/cbv/BizStep-shipping`). */
export const bareStep = (step: string): string => step.replace(/^.*(BizStep-|bizstep:)/, '');

const subjectsOf = (event: Json): Subject[] =>
  [
    ...[event.epcList, event.childEPCs, event.inputEPCList, event.outputEPCList].flatMap((value) =>
      Array.isArray(value) ? value.filter((uri): uri is string => typeof uri === 'string') : [],
    ),
    ...list(event.quantityList).flatMap((quantity) => text(quantity.epcClass) ?? []),
  ].flatMap((uri) => subjectOf(uri) ?? []);

export const rowsOf = (document: { epcisBody: { queryResults: { resultsBody: unknown } } }): EventRow[] => {
  const body = isObject(document.epcisBody.queryResults.resultsBody) ? document.epcisBody.queryResults.resultsBody : {};
  const parties = partiesOf(body.vocabularyList);
  return list(body.eventList).map((event, index) => {
    const reporter = text(event['traceseal:reporter']) ?? text(isObject(event.readPoint) ? event.readPoint.id : undefined);
    const destination = text(list(event.destinationList)[0]?.destination);
    const parent = text(event.parentID);
    const location = text(event['traceseal:location']);
    const recordTime = text(event.recordTime);
    const reporterParty = reporter === undefined ? undefined : parties.get(reporter);
    const destinationParty = destination === undefined ? undefined : parties.get(destination);
    return {
      key: text(event.eventID) ?? String(index),
      eventTime: text(event.eventTime) ?? '',
      bizStep: bareStep(text(event.bizStep) ?? ''),
      subjects: [...(parent === undefined ? [] : [subjectOf(parent)].flatMap((s) => s ?? [])), ...subjectsOf(event)],
      ...(recordTime === undefined ? {} : { recordTime }),
      ...(reporterParty === undefined ? {} : { reporter: reporterParty }),
      ...(destinationParty === undefined ? {} : { destination: destinationParty }),
      ...(location === undefined ? {} : { location }),
    };
  });
};

/** The next page's token from a `Link: <…&nextPageToken=…>; rel="next"` header. */
export const nextPageTokenOf = (link: string | null): string | undefined => {
  const target = link === null ? undefined : /<([^>]+)>\s*;\s*rel="?next"?/.exec(link)?.[1];
  if (target === undefined) return undefined;
  return new URL(target, 'http://link.invalid').searchParams.get('nextPageToken') ?? undefined;
};
