import { describe, expect, it } from 'vitest';
import { codeLabel, readUnitCode } from '../../web/console/src/components/unit-code';

/** The unit screen reads a code in every form a person brings it: link, EPC, URN, element string. */
const GTIN = '06901234567892';
const SSCC = '306141410000000006';
const DIGSIG = 'A'.repeat(90);

describe('reading a code on the unit screen', () => {
  it('reads a label link, an EPC and a bare element string as the same unit', () => {
    const link = readUnitCode(`https://verify.example/01/${GTIN}/10/L1/21/S1?8030=${DIGSIG}`);
    expect(link).toEqual({ kind: 'unit', gtin: GTIN, lot: 'L1', serial: 'S1', digsig: DIGSIG });
    expect(readUnitCode(`https://id.gs1.org/01/${GTIN}/21/S1`)).toEqual({ kind: 'unit', gtin: GTIN, serial: 'S1' });
    expect(readUnitCode(`(01)${GTIN}(10)L1(21)S1(8030)${DIGSIG}`)).toEqual(link);
    expect(readUnitCode(`]Q301${GTIN}10L1\u001d21S1\u001d8030${DIGSIG}`)).toEqual(link);
  });

  it('reads a container code and shows a code by its GS1 keys', () => {
    const container = readUnitCode(`(00)${SSCC}`);
    expect(container).toEqual({ kind: 'container', sscc: SSCC });
    expect(container === undefined ? '' : codeLabel(container)).toBe(`SSCC ${SSCC}`);
  });

  it('names no code for text that is none, or a GTIN with a wrong check digit', () => {
    expect(readUnitCode('hello')).toBeUndefined();
    expect(readUnitCode('')).toBeUndefined();
    expect(readUnitCode('(01)06901234567891(21)S1')).toBeUndefined();
  });
});
