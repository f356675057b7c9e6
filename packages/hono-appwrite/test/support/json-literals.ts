// JSON number literals for the differential tests of node-appwrite's JSON (json-native, parseJson).

/** A small seeded generator, so a failure reproduces. */
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

/** JSON number literals of every shape: long and short, signed, fractions, exponents. */
export const literals = (count: number): string[] => {
  const next = random(20261122);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let digits = '';
    const length = 1 + Math.floor(next() * 26);
    for (let d = 0; d < length; d++) digits += Math.floor(next() * 10);
    let literal = (next() < 0.3 ? '-' : '') + digits.replace(/^0+(?=\d)/, '');
    if (next() < 0.3)
      literal += `.${String(Math.floor(next() * 1000)).padStart(1 + Math.floor(next() * 4), '0')}`;
    if (next() < 0.3) literal += `e${next() < 0.5 ? '-' : ''}${Math.floor(next() * 25)}`;
    out.push(literal);
  }
  return out;
};
