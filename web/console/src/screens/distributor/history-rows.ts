import type { components } from '../../../../shared/openapi-types.generated';
import { scannedCode } from './scanned-codes';

export type EpcisDocument = components['schemas']['EpcisQueryDocument'];

export type Subject =
  | { kind: 'unit'; gtin: string; serial: string }
  | { kind: 'container'; sscc: string; containerKind?: 'case' | 'pallet' };

/** SSCCs are issued with the extension digit saying the kind: 1 a case, 3 a pallet (docs/custody.md). */
const KIND_BY_EXTENSION: Record<string, 'case' | 'pallet'> = { '1': 'case', '3': 'pallet' };

/** One event as the history table shows it: organizations by name, codes by GTIN and serial or SSCC. */
export interface HistoryRow {
  id: string;
  eventTime: string;
  bizStep: string;
  subjects: Subject[];
  by?: string;
  from?: string;
  to?: string;
}

export interface EpcisPage {
  rows: HistoryRow[];
  next?: string;
}

type Json = Record<string, unknown>;
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const list = (value: unknown): Json[] =>
  Array.isArray(value) ? value.filter((entry): entry is Json => entry !== null && typeof entry === 'object') : [];
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

/** Organization names from the answer's master data (cbvmda name of each ReadPoint and SourceDest element). */
const namesOf = (document: EpcisDocument): Map<string, string> => {
  const body = document.epcisBody.queryResults.resultsBody as { vocabularyList?: unknown };
  const names = new Map<string, string>();
  for (const vocabulary of list(body.vocabularyList)) {
    for (const element of list(vocabulary.vocabularyElementList)) {
      const name = list(element.attributes).find((attribute) => text(attribute.id)?.endsWith(':name'));
      const id = text(element.id);
      const value = text(name?.attribute);
      if (id !== undefined && value !== undefined) names.set(id, value);
    }
  }
  return names;
};

const subjectOf = (epc: string): Subject | undefined => {
  const key = scannedCode(epc)?.key;
  if (key === undefined) return undefined;
  const [ai = '', first = '', , serial = ''] = key.split('/');
  if (ai === '01') return { kind: 'unit', gtin: first, serial };
  const containerKind = KIND_BY_EXTENSION[first.charAt(0)];
  return { kind: 'container', sscc: first, ...(containerKind === undefined ? {} : { containerKind }) };
};

/** CBV steps arrive bare (`shipping`) or as vocabulary URIs (`https://ref.gs1.org/cbv/BizStep-shipping`). */
const bareStep = (step: string): string => step.replace(/^.*BizStep-/, '');

/** The nextPageToken of a Link rel="next" header, which repeats the query with it. */
const nextTokenOf = (link: string | null): string | undefined => {
  const target = /<([^>]+)>\s*;\s*rel="?next"?/.exec(link ?? '')?.[1];
  return target === undefined ? undefined : (new URL(target, 'https://x.invalid').searchParams.get('nextPageToken') ?? undefined);
};

export const historyPageOf = (document: EpcisDocument, link: string | null): EpcisPage => {
  const names = namesOf(document);
  const nameOf = (uri: string | undefined) => (uri === undefined ? undefined : (names.get(uri) ?? undefined));
  const rows = document.epcisBody.queryResults.resultsBody.eventList.map((event, index): HistoryRow => {
    const parent = text(event.parentID);
    const codes = [...(parent === undefined ? [] : [parent]), ...strings(event.epcList), ...strings(event.childEPCs)];
    const from = nameOf(text(list(event.sourceList)[0]?.source));
    const to = nameOf(text(list(event.destinationList)[0]?.destination));
    const by = nameOf(text(event['traceseal:reporter']) ?? text((event.readPoint as Json | undefined)?.id));
    return {
      id: text(event.eventID) ?? String(index),
      eventTime: text(event.eventTime) ?? '',
      bizStep: bareStep(text(event.bizStep) ?? ''),
      subjects: codes.flatMap((code) => subjectOf(code) ?? []),
      ...(by === undefined ? {} : { by }),
      ...(from === undefined ? {} : { from }),
      ...(to === undefined ? {} : { to }),
    };
  });
  const next = nextTokenOf(link);
  return { rows, ...(next === undefined ? {} : { next }) };
};
