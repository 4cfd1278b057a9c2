import { createHash } from 'node:crypto';
import { EVENT_FIELDS, type FieldSpec, IGNORED_EVENT_FIELDS, type ObjectSpec } from './event-hash-fields';
import { canonicalTimestamp, canonicalValue, type Prefixes, sortCodePoints, vocabularyValue } from './event-hash-values';

/**
 * The CBV 2.0 event hash (CBV 2.0 section "Event ID"; GS1's reference implementation is
 * RalphTro/epcis-event-hash-generator, whose published vectors test/custody/event-hash-vectors
 * runs): an EPCIS 2.0 JSON-LD event → its pre-hash string → `ni:///sha-256;…?ver=CBV2.0`.
 * The same event gets the same id whoever computes it, from JSON-LD or XML, whatever the
 * order of its fields and lists; recordTime, eventID, errorDeclaration and comments are not
 * part of it (an error declaration keeps the id of the event it declares in error).
 */

export interface EventHashOptions {
  /** The document's `@context`: it defines the namespace prefixes of extension fields. */
  context?: unknown;
  /**
   * Event-level fields a repository adds to the events it stores (CURIEs or full IRIs),
   * left out of the hash. The reference tool reads them from `ignoreFields` of a document.
   */
  ignoreFields?: readonly string[];
}

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The prefixes the document's own context declares. Like the reference, not those the
 * EPCIS context file defines (gs1:, cbv:, cbvmda:...): a CURIE whose prefix the document
 * does not declare stays as written, so documents should declare every prefix they use.
 */
const prefixesOf = (...contexts: unknown[]): Prefixes => {
  const prefixes = new Map<string, string>();
  const visit = (context: unknown): void => {
    if (Array.isArray(context)) context.forEach(visit);
    else if (isObject(context)) {
      for (const [term, iri] of Object.entries(context)) {
        if (!term.startsWith('@') && typeof iri === 'string') prefixes.set(term, iri);
      }
    }
  };
  contexts.forEach(visit);
  return prefixes;
};

/**
 * A field name as the standard writes extension names (rules 19-21): "{namespace}local".
 * A CURIE with a known prefix, or a full IRI (split after its last "/" or "#"); any other
 * name is kept as written.
 */
const expandKey = (key: string, prefixes: Prefixes): string => {
  const colon = key.indexOf(':');
  const namespace = colon > 0 ? prefixes.get(key.slice(0, colon)) : undefined;
  if (namespace !== undefined) return `{${namespace}}${key.slice(colon + 1)}`;
  const iri = /^([a-z][a-z0-9+.-]*:[^{}]*[/#])([^/#]+)$/i.exec(key);
  return iri === null ? key : `{${iri[1]}}${iri[2]}`;
};

const COMMENT_KEYS = new Set(['comment', 'rdfs:comment', '{http://www.w3.org/2000/01/rdf-schema#}comment']);

const joinSorted = (parts: string[]): string => sortCodePoints(parts.filter((p) => p !== '')).join('');

/** Extension fields and anything else the standard does not order: every value is an entry. */
const renderGeneric = (key: string, value: unknown, prefixes: Prefixes): string[] => {
  if (Array.isArray(value)) return value.flatMap((item) => renderGeneric(key, item, prefixes));
  if (isObject(value)) return [key + joinSorted(renderExtras(value, new Set(), prefixes))];
  const text = canonicalValue(value, prefixes);
  if (text === undefined) return [];
  return [text === '' ? key : `${key}=${text}`];
};

const renderExtras = (object: JsonObject, known: ReadonlySet<string>, prefixes: Prefixes): string[] =>
  Object.entries(object).flatMap(([key, value]) => {
    if (known.has(key)) return [];
    const expanded = expandKey(key, prefixes);
    return COMMENT_KEYS.has(key) || COMMENT_KEYS.has(expanded) ? [] : renderGeneric(expanded, value, prefixes);
  });

const renderObject = (object: JsonObject, spec: ObjectSpec, prefixes: Prefixes): string => {
  const ordered = spec.fields.map(([name, field]) => renderField(name, field, object[name], prefixes)).join('');
  const known = new Set([...spec.fields.map(([name]) => name), ...(spec.trailing ?? []).map(([name]) => name)]);
  const trailing = (spec.trailing ?? []).map(([name, field]) => renderField(name, field, object[name], prefixes));
  return ordered + joinSorted([...trailing, ...renderExtras(object, known, prefixes)]);
};

/** One field; a repeated field (an array where one value is expected) is each value, sorted. */
const renderField = (name: string, field: FieldSpec, value: unknown, prefixes: Prefixes): string => {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value) && field.kind !== 'list' && field.kind !== 'typed-list') {
    return joinSorted(value.map((item) => renderField(name, field, item, prefixes)));
  }
  switch (field.kind) {
    case 'value':
    case 'time':
    case 'vocabulary': {
      if (typeof value === 'object') throw new TypeError(`event hash: ${name} must be a string, number or boolean`);
      const text =
        field.kind === 'time'
          ? canonicalTimestamp(value)
          : field.kind === 'vocabulary'
            ? vocabularyValue(value, field.vocabulary, prefixes)
            : canonicalValue(value, prefixes);
      return text === undefined || text === '' ? '' : `${name}=${text}`;
    }
    case 'object': {
      if (!isObject(value)) throw new TypeError(`event hash: ${name} must be an object`);
      const inner = renderObject(value, field.spec, prefixes);
      return inner === '' ? '' : name + inner;
    }
    case 'list': {
      if (!Array.isArray(value)) throw new TypeError(`event hash: ${name} must be a list`);
      const inner = joinSorted(value.map((item) => renderField(field.item, field.itemSpec, item, prefixes)));
      return inner === '' ? '' : name + inner;
    }
    case 'typed-list': {
      if (!Array.isArray(value)) throw new TypeError(`event hash: ${name} must be a list`);
      // The type precedes the identifier, whatever the order of the JSON keys (rule 13).
      const entries = value.map((entry) => {
        if (!isObject(entry)) throw new TypeError(`event hash: ${name} must hold objects`);
        return (
          renderField('type', { kind: 'vocabulary', vocabulary: field.typeVocabulary }, entry.type, prefixes) +
          renderField(field.item, { kind: 'value' }, entry[field.item], prefixes) +
          joinSorted(renderExtras(entry, new Set(['type', field.item]), prefixes))
        );
      });
      const inner = joinSorted(entries);
      return inner === '' ? '' : name + inner;
    }
  }
};

/** The pre-hash string of one EPCIS 2.0 JSON-LD event (`options.context`: its document's @context). */
export const eventPreHash = (event: JsonObject, options: EventHashOptions = {}): string => {
  const eventType = event.type;
  if (typeof eventType !== 'string' || eventType === '') throw new TypeError('event hash: the event has no type');
  const prefixes = prefixesOf(options.context, event['@context']);
  const ignored = new Set([...IGNORED_EVENT_FIELDS, ...(options.ignoreFields ?? [])].map((field) => expandKey(field, prefixes)));
  const kept = Object.fromEntries(Object.entries(event).filter(([key]) => !ignored.has(expandKey(key, prefixes))));
  return `eventType=${eventType}${renderObject(kept, EVENT_FIELDS, prefixes)}`;
};

export const hashIdOfPreHash = (preHash: string): string =>
  `ni:///sha-256;${createHash('sha256').update(preHash, 'utf8').digest('hex')}?ver=CBV2.0`;

/** The CBV 2.0 event hash ID of one EPCIS 2.0 JSON-LD event. */
export const eventHashId = (event: JsonObject, options: EventHashOptions = {}): string =>
  hashIdOfPreHash(eventPreHash(event, options));
