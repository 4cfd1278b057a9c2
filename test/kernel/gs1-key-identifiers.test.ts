import { describe, expect, it } from 'vitest';
import { normaliseGs1Identifier } from '#kernel/codes/gs1-key-identifiers';

/**
 * The event hash writes GS1 keys as constrained canonical Digital Links, and keeps anything
 * that is not a well-formed key exactly as written. Both halves matter to the hash: a
 * malformed key rewritten into a canonical one would hash two different events alike, and a
 * pattern not rewritten would hash differently from the reference implementation. Expected
 * values are the examples of the GS1 EPC Tag Data Standard.
 */
describe('EPC pattern URIs name a class: every serial of one key', () => {
  it.each([
    ['urn:epc:idpat:sgtin:0614141.812345.*', 'https://id.gs1.org/01/80614141123458'],
    ['urn:epc:idpat:upui:0614141.812345.*', 'https://id.gs1.org/01/80614141123458'],
    ['urn:epc:idpat:grai:0614141.12345.*', 'https://id.gs1.org/8003/00614141123452'],
    ['urn:epc:idpat:gdti:0614141.12345.*', 'https://id.gs1.org/253/0614141123452'],
    ['urn:epc:idpat:sgcn:4012345.67890.*', 'https://id.gs1.org/255/4012345678901'],
    ['urn:epc:idpat:cpi:0614141.123ABC.*', 'https://id.gs1.org/8010/0614141123ABC'],
    ['urn:epc:idpat:itip:4012345.012345.01.02.*', 'https://id.gs1.org/8006/040123451234560102'],
  ])('%s is %s', (uri, link) => {
    expect(normaliseGs1Identifier(uri)).toBe(link);
  });
});

describe('what is not a well-formed GS1 key is kept as written', () => {
  it.each([
    // Instance URIs missing a part, or with a part of the wrong length or characters.
    'urn:epc:id:sgtin:0614141.812345',
    'urn:epc:id:sscc:0614141.12345',
    'urn:epc:id:sgln:0614141.12345',
    'urn:epc:id:grai:0614141.12345',
    'urn:epc:id:giai:06141.12345',
    'urn:epc:id:gsrn:0614141.12345',
    'urn:epc:id:gsrnp:0614141.12345',
    'urn:epc:id:gdti:0614141.1234.006847',
    'urn:epc:id:sgcn:4012345.67890.A1',
    'urn:epc:id:ginc:0614141.',
    'urn:epc:id:gsin:0614141.12345',
    'urn:epc:id:pgln:0614141.123',
    'urn:epc:id:itip:4012345.012345.1.02.987',
    'urn:epc:id:upui:0614141.812345',
    'urn:epc:class:lgtin:0614141.812345',
    // A CPI instance needs a serial, not a star; a part reference holds no spaces.
    'urn:epc:id:cpi:0614141.123ABC.*',
    'urn:epc:id:cpi:0614141.123 ABC.5',
    // A pattern ends in a star, over a key of the right length.
    'urn:epc:idpat:sgtin:0614141.812345.6789',
    'urn:epc:idpat:sgtin:0614141.81234.*',
    'urn:epc:idpat:upui:0614141.812345.6789',
    'urn:epc:idpat:grai:0614141.12345.400',
    'urn:epc:idpat:gdti:0614141.12345.006847',
    'urn:epc:idpat:sgcn:4012345.67890.04711',
    'urn:epc:idpat:cpi:0614141.123ABC.5',
    'urn:epc:idpat:itip:4012345.012345.01.02.987',
    // Not an EPC identity at all, an unknown scheme, or a name every object has.
    'urn:epc:tag:sgtin-96:3.0614141.812345.6789',
    'urn:epc:id:widget:0614141.812345',
    'urn:epc:id:constructor:0614141.812345',
    'urn:epc:class:toString:0614141.812345',
  ])('%s', (uri) => {
    expect(normaliseGs1Identifier(uri)).toBeUndefined();
  });

  it('a Digital Link qualifier its key does not take (a serial on an SSCC)', () => {
    expect(normaliseGs1Identifier('https://id.gs1.org/00/106141412345678908/21/1')).toBeUndefined();
    expect(normaliseGs1Identifier('https://id.gs1.org/00/106141412345678908')).toBe('https://id.gs1.org/00/106141412345678908');
  });
});
