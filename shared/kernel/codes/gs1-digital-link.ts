import { BadRequestError } from '../errors';
import { type AiDefinition, aiDefinition, aiValueProblem } from './gs1-ai-table';

/**
 * GS1 Digital Link URI syntax (GS1 Digital Link Standard: URI Syntax 1.6), decoded into AI
 * element strings the way GS1's reference parser, the GS1 Barcode Syntax Engine, decodes
 * them, so that both answer the same for the same URI (test/kernel/digital-link-differential
 * replays the engine's recorded answers). Nothing here knows TraceSeal's labels:
 * shared/kernel/codes/digital-link.ts decides which of these are ours.
 */
export interface AiElement {
  ai: string;
  value: string;
  /** Path elements are the key and its qualifiers; query elements are data attributes. */
  from: 'path' | 'query';
}

export interface Gs1DigitalLink {
  /** Scheme, host and any custom path prefix before the primary key. */
  stem: string;
  elements: AiElement[];
}

/** RFC 3986 characters; anything else (spaces, raw non-ASCII, `"<>\^`{|}`) makes no URI. */
const URI_CHARACTERS = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]*$/;
const BAD_HOST_CHARACTERS = /[_~?#@!$&'()*+,;=%]/;

const fail = (message: string): never => {
  throw new BadRequestError('MALFORMED_CODE', message);
};

/**
 * Percent-decoding as the engine does it: an escape yields one byte (kept as a Latin-1
 * character, so anything above 0x7F then fails every GS1 character set), a `%` not followed
 * by two hex digits stays a literal `%`, and in the query `+` is a space.
 */
const percentDecode = (raw: string, query: boolean): string => {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charAt(i);
    if (c === '%' && i + 2 < raw.length) {
      const hex = raw.slice(i + 1, i + 3);
      if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
        const code = Number.parseInt(hex, 16);
        if (code === 0) fail('A decoded AI value contains a NUL character');
        out += String.fromCharCode(code);
        i += 2;
        continue;
      }
    }
    out += query && c === '+' ? ' ' : c;
  }
  return out;
};

const isPrimaryKey = (definition: AiDefinition | undefined): boolean => definition?.qualifierChains !== undefined;

/** Whether `sequence` is a primary key followed by an in-order subset of one of its qualifier chains. */
const isKeyQualifierSequence = (sequence: readonly string[]): boolean => {
  const [key, ...qualifiers] = sequence;
  const chains = key === undefined ? undefined : aiDefinition(key)?.qualifierChains;
  if (chains === undefined) return false;
  return chains.some((chain) => {
    let position = 0;
    for (const qualifier of qualifiers) {
      const found = chain.indexOf(qualifier, position);
      if (found === -1) return false;
      position = found + 1;
    }
    return true;
  });
};

const checkedElement = (ai: string, raw: string, from: AiElement['from']): AiElement => {
  const definition = aiDefinition(ai);
  if (definition === undefined) return fail(`Unknown AI (${ai}) in the ${from}`);
  if (raw === '') return fail(`AI (${ai}) has an empty value`);
  const value = percentDecode(raw, from === 'query');
  const problem = aiValueProblem(definition, value);
  if (problem !== undefined) fail(problem);
  return { ai, value, from };
};

/** The path's key and qualifiers: the rightmost `/{key}/{value}` whose AI is a primary key, and all pairs after it. */
const pathElements = (pathInfo: string): { prefix: string; elements: AiElement[] } => {
  const segments = pathInfo.split('/');
  // segments[0] is the empty string before the leading slash; pairs are read from the end.
  let root: number | undefined;
  for (let ai = segments.length - 2; ai >= 1; ai -= 2) {
    const definition = aiDefinition(segments[ai] ?? '');
    if (definition === undefined) break;
    if (isPrimaryKey(definition)) {
      root = ai;
      break;
    }
  }
  if (root === undefined) return fail('No GS1 Digital Link primary key in the path');
  const elements: AiElement[] = [];
  for (let ai = root; ai < segments.length; ai += 2) {
    elements.push(checkedElement(segments[ai] ?? '', segments[ai + 1] ?? '', 'path'));
  }
  return { prefix: segments.slice(0, root).join('/'), elements };
};

const queryElements = (query: string): AiElement[] => {
  const elements: AiElement[] = [];
  for (const parameter of query.split('&')) {
    const equals = parameter.indexOf('=');
    if (equals === -1) continue; // a parameter without a value is never an AI
    const name = parameter.slice(0, equals);
    // Non-numeric parameters (linkType, utm_…) are not GS1 data and are skipped undecoded.
    if (!/^\d+$/.test(name)) continue;
    elements.push(checkedElement(name, parameter.slice(equals + 1), 'query'));
  }
  return elements;
};

/** The checks that need every element: qualifier order, duplicates, attributes, requisites and exclusions. */
const checkAssociations = (elements: readonly AiElement[]): void => {
  const path = elements.filter((element) => element.from === 'path').map((element) => element.ai);
  if (!isKeyQualifierSequence(path)) fail('The AIs in the path are not a valid key-qualifier sequence for the key');
  const seen = new Set<string>();
  for (const { ai } of elements) {
    if (seen.has(ai)) {
      throw new BadRequestError(ai === '8030' ? 'AMBIGUOUS_QUERY' : 'MALFORMED_CODE', `AI (${ai}) is duplicated`);
    }
    seen.add(ai);
  }
  for (const { ai, from } of elements) {
    if (from !== 'query') continue;
    if (aiDefinition(ai)?.dataAttribute !== true) fail(`AI (${ai}) is not a valid Digital Link data attribute`);
    for (let position = 1; position <= path.length; position++) {
      if (isKeyQualifierSequence([...path.slice(0, position), ai, ...path.slice(position)])) {
        fail(`AI (${ai}) is a key qualifier and belongs in the path`);
      }
    }
  }
  for (const { ai } of elements) {
    const definition = aiDefinition(ai);
    const requires = definition?.requires;
    if (requires !== undefined && !requires.some((alternative) => alternative.every((required) => seen.has(required)))) {
      fail(`Required AIs for AI (${ai}) are not satisfied`);
    }
    const excluded = definition?.excludes?.find((other) => seen.has(other));
    if (excluded !== undefined) fail(`AI (${ai}) must not be used together with AI (${excluded})`);
  }
};

/** Parses any GS1 Digital Link URI; a URI GS1 would refuse is a 400 `MALFORMED_CODE`. */
export const parseGs1DigitalLink = (uri: string): Gs1DigitalLink => {
  if (!URI_CHARACTERS.test(uri)) fail('The URI contains characters a URI cannot carry');
  const scheme = /^(https?|HTTPS?):\/\//.exec(uri);
  if (scheme === null) return fail('The URI scheme must be http or https');
  const rest = uri.slice(scheme[0].length);
  const slash = rest.indexOf('/');
  const host = slash === -1 ? rest : rest.slice(0, slash);
  if (BAD_HOST_CHARACTERS.test(host)) fail('The host contains illegal characters');
  if (slash < 1) fail('The URI has no host or no path');
  const afterHost = rest.slice(slash).split('#')[0] ?? '';
  const question = afterHost.indexOf('?');
  const pathInfo = question === -1 ? afterHost : afterHost.slice(0, question);
  const { prefix, elements } = pathElements(pathInfo);
  if (question !== -1) elements.push(...queryElements(afterHost.slice(question + 1)));
  checkAssociations(elements);
  return { stem: `${scheme[0]}${host}${prefix}`, elements };
};

/** The bracketed element string, `(01)…(10)…`, in URI order: how the Syntax Engine prints what it parsed. */
export const bracketedElementString = (elements: readonly AiElement[]): string =>
  elements.map(({ ai, value }) => `(${ai})${value.replace(/\(/g, '\\(')}`).join('');
