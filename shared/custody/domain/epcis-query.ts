/**
 * The subset of the EPCIS 2.0 SimpleEventQuery that GET /v1/epcis/events speaks (REST
 * binding: list values comma-separated or the parameter repeated), parsed and matched
 * purely. Anything else is refused naming the parameters, as EPCIS's
 * QueryParameterException does, so a client never mistakes an ignored filter for an
 * answer to it.
 */
import { BadRequestError } from '#kernel/errors';

export const EPCIS_QUERY_PARAMETERS = [
  'GE_eventTime',
  'LT_eventTime',
  'GE_recordTime',
  'LT_recordTime',
  'EQ_bizStep',
  'EQ_disposition',
  'MATCH_epc',
  'MATCH_anyEPC',
  'MATCH_epcClass',
  'EQ_bizLocation',
  'perPage',
  'nextPageToken',
] as const;

export const DEFAULT_PER_PAGE = 30;
export const MAX_PER_PAGE = 1000;

export interface EpcisQuery {
  eventTime: { ge?: string; lt?: string };
  recordTime: { ge?: string; lt?: string };
  bizSteps?: Set<string>;
  dispositions?: Set<string>;
  epcs?: Set<string>;
  anyEpcs?: Set<string>;
  epcClasses?: { gtin: string; lot?: string }[];
  bizLocations?: Set<string>;
  perPage: number;
  nextPageToken?: string;
}

export const queryParameterError = (message: string, parameters: string[]): BadRequestError =>
  new BadRequestError('QUERY_PARAMETER_EXCEPTION', message, {
    type: 'epcisException:QueryParameterException',
    parameters,
  });

const CBV_PREFIXES: Record<'bizStep' | 'disposition', string[]> = {
  bizStep: ['https://ref.gs1.org/cbv/BizStep-', 'urn:epcglobal:cbv:bizstep:'],
  disposition: ['https://ref.gs1.org/cbv/Disp-', 'urn:epcglobal:cbv:disp:'],
};

/** CBV values as EPCIS 2.0 JSON writes them (bare names); other URIs are kept whole. */
export const cbvShortName = (kind: 'bizStep' | 'disposition', value: string): string => {
  const prefix = CBV_PREFIXES[kind].find((p) => value.startsWith(p));
  return prefix === undefined ? value : value.slice(prefix.length);
};

const list = (value: string): string[] =>
  value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');

const instant = (name: string, value: string): string => {
  // EPCIS times are xsd:dateTime with a zone; a bare date or a time without a zone is ambiguous.
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw queryParameterError(`${name} must be a date-time with a time zone, e.g. 2026-11-01T00:00:00Z`, [name]);
  }
  return new Date(value).toISOString();
};

const EPC_CLASS = /^https:\/\/id\.gs1\.org\/01\/(\d{14})(?:\/10\/([^/?#,]{1,20}))?$/;

/** The given parameters read as EPCIS types them: a parameter given empty is refused, never read as absent. */
const parameterReader = (raw: Record<string, string | undefined>) => {
  const given = (name: string): string | undefined => {
    const value = raw[name];
    if (value !== undefined && list(value).length === 0 && name !== 'nextPageToken') {
      throw queryParameterError(`${name} is empty`, [name]);
    }
    return value;
  };
  const set = (name: string, map: (v: string) => string = (v) => v) => {
    const value = given(name);
    return value === undefined ? undefined : new Set(list(value).map(map));
  };
  const time = (name: string) => {
    const value = given(name);
    return value === undefined ? undefined : instant(name, value);
  };
  return { given, set, time };
};

const perPageOf = (text: string | undefined): number => {
  const perPage = text === undefined ? DEFAULT_PER_PAGE : Number(text);
  if (!/^\d+$/.test(text ?? '1') || perPage < 1 || perPage > MAX_PER_PAGE) {
    throw queryParameterError(`perPage must be a whole number from 1 to ${MAX_PER_PAGE}`, ['perPage']);
  }
  return perPage;
};

const epcClassesOf = (classes: string): { gtin: string; lot?: string }[] =>
  list(classes).map((value) => {
    const match = EPC_CLASS.exec(value);
    if (match?.[1] === undefined) {
      throw queryParameterError(
        'MATCH_epcClass takes GS1 Digital Link classes: https://id.gs1.org/01/{gtin} or https://id.gs1.org/01/{gtin}/10/{lot}',
        ['MATCH_epcClass'],
      );
    }
    return match[2] === undefined ? { gtin: match[1] } : { gtin: match[1], lot: match[2] };
  });

const optional = <K extends string, V>(key: K, value: V | undefined) =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;

export const parseEpcisQuery = (raw: Record<string, string | undefined>): EpcisQuery => {
  const known = new Set<string>(EPCIS_QUERY_PARAMETERS);
  const unknown = Object.keys(raw).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw queryParameterError(`Unknown or unsupported query parameters: ${unknown.join(', ')}`, unknown);
  }
  const { given, set, time } = parameterReader(raw);
  const perPage = perPageOf(given('perPage'));
  const classes = given('MATCH_epcClass');
  const epcClasses = classes === undefined ? undefined : epcClassesOf(classes);
  return {
    eventTime: { ...optional('ge', time('GE_eventTime')), ...optional('lt', time('LT_eventTime')) },
    recordTime: { ...optional('ge', time('GE_recordTime')), ...optional('lt', time('LT_recordTime')) },
    ...optional(
      'bizSteps',
      set('EQ_bizStep', (v) => cbvShortName('bizStep', v)),
    ),
    ...optional(
      'dispositions',
      set('EQ_disposition', (v) => cbvShortName('disposition', v)),
    ),
    ...optional('epcs', set('MATCH_epc')),
    ...optional('anyEpcs', set('MATCH_anyEPC')),
    ...optional('epcClasses', epcClasses),
    ...optional('bizLocations', set('EQ_bizLocation')),
    perPage,
    ...optional('nextPageToken', raw.nextPageToken),
  };
};

type Event = Record<string, unknown>;

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
const epcsOf = (event: Event): string[] => [...strings(event.epcList), ...strings(event.childEPCs)];
const classesOf = (event: Event): string[] =>
  [...((event.quantityList as { epcClass?: unknown }[] | undefined) ?? [])].map((q) => String(q.epcClass));
const idOf = (value: unknown): string | undefined =>
  typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string'
    ? (value as { id: string }).id
    : undefined;

/**
 * Whether a stored EPCIS event answers the query. `lots` are the event's `gtin/lot`s as
 * indexed (unit EPCs do not carry their lot). MATCH_epcClass also matches instance-level
 * EPCs of the class, a documented extension: a GTIN-level class matches every event on
 * that product, a lot-level class every event on that lot.
 */
export const matchesEpcisQuery = (event: Event, query: EpcisQuery, indexed: { lots: readonly string[] }): boolean => {
  const eventTime = typeof event.eventTime === 'string' ? new Date(event.eventTime).toISOString() : '';
  if (query.eventTime.ge !== undefined && eventTime < query.eventTime.ge) return false;
  if (query.eventTime.lt !== undefined && eventTime >= query.eventTime.lt) return false;
  if (query.bizSteps !== undefined && !query.bizSteps.has(cbvShortName('bizStep', String(event.bizStep)))) return false;
  if (query.dispositions !== undefined && !query.dispositions.has(cbvShortName('disposition', String(event.disposition)))) {
    return false;
  }
  const epcs = epcsOf(event);
  if (query.epcs !== undefined && !epcs.some((epc) => query.epcs?.has(epc))) return false;
  if (query.anyEpcs !== undefined) {
    const parent = typeof event.parentID === 'string' ? [event.parentID] : [];
    if (![...epcs, ...parent].some((epc) => query.anyEpcs?.has(epc))) return false;
  }
  if (query.epcClasses !== undefined) {
    const classes = classesOf(event);
    const hit = query.epcClasses.some(({ gtin, lot }) => {
      const wanted = `https://id.gs1.org/01/${gtin}${lot === undefined ? '' : `/10/${lot}`}`;
      if (classes.some((c) => c === wanted || (lot === undefined && c.startsWith(`${wanted}/10/`)))) return true;
      if (lot !== undefined) return indexed.lots.includes(`${gtin}/${lot}`) && epcs.some((e) => e.includes(`/01/${gtin}/21/`));
      return epcs.some((e) => e.startsWith(`https://id.gs1.org/01/${gtin}/21/`));
    });
    if (!hit) return false;
  }
  if (query.bizLocations !== undefined) {
    const location = idOf(event.bizLocation);
    if (location === undefined || !query.bizLocations.has(location)) return false;
  }
  return true;
};
