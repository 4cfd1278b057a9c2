import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readLabel } from '#kernel/codes/digital-link';
import { bracketedElementString, parseGs1DigitalLink } from '#kernel/codes/gs1-digital-link';
import { AppError } from '#kernel/errors';
import { type Corpus, FIXTURE_PATH } from '../../scripts/record-gs1-syntax-fixture';

/**
 * Differential test against GS1's reference parser: every corpus URI gets the verdict and the
 * element string the GS1 Barcode Syntax Engine gave it (recorded once by
 * scripts/record-gs1-syntax-fixture.ts, at the commit the fixture names).
 */
const corpus = JSON.parse(readFileSync(FIXTURE_PATH, 'utf8')) as Corpus;

/** Our answer in the engine's terms. */
const ourAnswer = (uri: string): { valid: boolean; elementString?: string } => {
  try {
    return { valid: true, elementString: bracketedElementString(parseGs1DigitalLink(uri).elements) };
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).statusCode).toBe(400);
    return { valid: false };
  }
};

describe('GS1 Digital Link parsing agrees with the GS1 Syntax Engine', () => {
  it('has a recorded answer for every case, from a named engine commit', () => {
    expect(corpus.engine?.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(corpus.cases.length).toBeGreaterThanOrEqual(80);
    for (const c of corpus.cases) expect(c.engine, c.name).toBeDefined();
    // The corpus covers both sides: URIs GS1 accepts and URIs it refuses.
    expect(corpus.cases.filter((c) => c.engine?.valid === true).length).toBeGreaterThanOrEqual(30);
    expect(corpus.cases.filter((c) => c.engine?.valid === false).length).toBeGreaterThanOrEqual(30);
  });

  it.each(corpus.cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const engine = c.engine;
    expect(ourAnswer(c.uri)).toEqual(
      engine?.valid === true ? { valid: true, elementString: engine.elementString } : { valid: false },
    );
  });
});

describe('TraceSeal labels read from GS1-equivalent spellings', () => {
  const [canonicalUnit] = corpus.cases.filter((c) => c.group === 'same-unit');
  const [canonicalContainer] = corpus.cases.filter((c) => c.group === 'same-container');

  it.each(corpus.cases.filter((c) => c.group !== 'other').map((c) => [c.name, c] as const))(
    '%s reads as the same label',
    (_, c) => {
      const canonical = c.group === 'same-unit' ? canonicalUnit : canonicalContainer;
      expect(canonical).toBeDefined();
      expect(readLabel(c.uri).code).toEqual(readLabel(canonical?.uri ?? '').code);
    },
  );

  it('never merges extra data attributes into the signed code: they come back apart as unverified', () => {
    const withExpiry = corpus.cases.find((c) => c.name === 'two extra data attributes');
    const { code, unverified } = readLabel(withExpiry?.uri ?? '');
    expect(unverified).toEqual({ '11': '260101', '17': '301231' });
    expect(code).not.toHaveProperty('17');
    expect(code).toEqual(readLabel(canonicalUnit?.uri ?? '').code);
  });
});
