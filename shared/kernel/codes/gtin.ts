/** GS1 mod-10 check digit over the digits that precede it. */
export const gs1CheckDigit = (digitsWithoutCheck: string): number => {
  let sum = 0;
  // Weights alternate 3,1,3,… starting from the rightmost digit.
  for (let i = 0; i < digitsWithoutCheck.length; i++) {
    const digit = digitsWithoutCheck.charCodeAt(digitsWithoutCheck.length - 1 - i) - 48;
    sum += digit * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
};

export const isValidGtin14 = (gtin: string): boolean =>
  /^\d{14}$/.test(gtin) && gs1CheckDigit(gtin.slice(0, 13)) === Number(gtin[13]);

/** Makes a valid GTIN-14 from a 13-digit body; used by seeds and tests. */
export const withCheckDigit = (body13: string): string => `${body13}${gs1CheckDigit(body13)}`;
