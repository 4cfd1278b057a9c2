/**
 * Reed–Solomon error correction over GF(256) with the QR polynomial x^8+x^4+x^3+x^2+1.
 * The log/antilog tables and each generator polynomial are built once, so encoding a block
 * is one table lookup and XOR per data byte and EC codeword.
 */

/** Antilog table doubled so log(a) + log(b) indexes it without a modulo. */
const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
{
  let x = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = x;
    LOG[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= 0x11d;
  }
  for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255] ?? 0;
}

const multiply = (a: number, b: number): number => (a === 0 || b === 0 ? 0 : (EXP[(LOG[a] ?? 0) + (LOG[b] ?? 0)] ?? 0));

const generatorLogs = new Map<number, Uint8Array>();

/**
 * log of each coefficient of the monic generator (x - α^0)…(x - α^(degree-1)), highest
 * degree first and the leading 1 left out. Every coefficient is non-zero, so logs suffice.
 */
export const generatorLogsOf = (degree: number): Uint8Array => {
  const cached = generatorLogs.get(degree);
  if (cached !== undefined) return cached;
  const coefficients = new Uint8Array(degree);
  coefficients[degree - 1] = 1;
  let root = 1;
  for (let i = 0; i < degree; i++) {
    for (let j = 0; j < degree; j++) {
      coefficients[j] = multiply(coefficients[j] ?? 0, root) ^ (coefficients[j + 1] ?? 0);
    }
    root = multiply(root, 2);
  }
  const logs = coefficients.map((c) => LOG[c] ?? 0);
  generatorLogs.set(degree, logs);
  return logs;
};

/**
 * Writes the `ec.length` EC codewords of `data[start, end)` into `ec` (the remainder of the
 * data polynomial times x^degree divided by the generator).
 */
export const encodeBlock = (data: Uint8Array, start: number, end: number, genLogs: Uint8Array, ec: Uint8Array): void => {
  const degree = genLogs.length;
  const last = degree - 1;
  ec.fill(0, 0, degree);
  // Shift and add in one pass: a typed-array copyWithin per data byte cost more than the XORs.
  for (let i = start; i < end; i++) {
    const factor = (data[i] ?? 0) ^ (ec[0] ?? 0);
    if (factor === 0) {
      for (let j = 0; j < last; j++) ec[j] = ec[j + 1] ?? 0;
      ec[last] = 0;
      continue;
    }
    const logFactor = LOG[factor] ?? 0;
    for (let j = 0; j < last; j++) ec[j] = (ec[j + 1] ?? 0) ^ (EXP[logFactor + (genLogs[j] ?? 0)] ?? 0);
    ec[last] = EXP[logFactor + (genLogs[last] ?? 0)] ?? 0;
  }
};
