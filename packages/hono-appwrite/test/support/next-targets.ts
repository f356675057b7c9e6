// Generated `next` redirect targets built to break an allow-list: dot segments, percent-encodings in
// any case, slashes and backslashes, tabs/CR/LF, Unicode look-alike slashes, `@`, schemes and hosts.
// Shared by the unit property of `safeRedirect`, the route property and the worker fuzzer.
import fc from 'fast-check';

/** Pieces an attacker strings together; each may mean `/`, `.`, a host or nothing to some parser. */
const PIECES = [
  '/',
  '//',
  '///',
  '\\',
  '/\\',
  '\\/',
  '.',
  '..',
  '/.',
  '/..',
  '/./',
  '/../',
  '%2e',
  '%2E',
  '%2e%2e',
  '%2E%2e',
  '.%2e',
  '%2e.',
  '%2f',
  '%2F',
  '%5c',
  '%5C',
  '%252f',
  '%09',
  '%0a',
  '%0d',
  '%00',
  '\t',
  '\n',
  '\r',
  ' ',
  '\u2215', // division slash
  '\u2044', // fraction slash
  '\uff0f', // fullwidth solidus
  '\uff3c', // fullwidth reverse solidus
  '\u29f8', // big solidus
  '\u3002', // ideographic full stop (a dot to IDNA)
  '@',
  ':',
  '?',
  '#',
  ';',
  'evil.example',
  'evil.example:443',
  'user:pass@',
  'user@',
  ':pw@',
  '127.0.0.1',
  'app.test',
  'front.test',
  'http:',
  'https:',
  'HTTPS:',
  'javascript:',
  'data:',
  'blob:',
  'file:',
  'me',
  'x',
];

const DOTS = ['.', '..', '%2e', '%2E', '%2e%2e', '%2E%2E', '%2e%2E', '.%2e', '%2e.', '.%2E'];
const SLASHES = ['/', '//', '///', '/\\', '\\', '%2f', '%2F', '%5c', '/%2f', '\t/', '/\n/'];

/** The family that normalises into a protocol-relative path: `/<dots>//host`, `/a/<dots>//host`. */
const dotSegmentEscapes = fc
  .tuple(
    fc.constantFrom('/', '/a/', '/a/b/', '/./', ''),
    fc.array(fc.constantFrom(...DOTS), { minLength: 1, maxLength: 3 }),
    fc.constantFrom(...SLASHES),
    fc.constantFrom(...SLASHES),
    fc.constantFrom(
      'evil.example',
      'evil.example/x',
      'evil.example:8443',
      'user@evil.example',
      '127.0.0.1:1',
    ),
  )
  .map(([prefix, dots, first, second, host]) => `${prefix}${dots.join('/')}${first}${second}${host}`);

/** A `next` value: a sequence of attack pieces, sometimes after a trusted prefix, or any string. */
export const nextTargets: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: dotSegmentEscapes },
  {
    weight: 6,
    arbitrary: fc
      .array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 8 })
      .map((parts) => parts.join('')),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom('/', '/a/', 'https://app.test/', 'https://front.test/', 'http://127.0.0.1:8787/'),
        fc.array(fc.constantFrom(...PIECES), { maxLength: 6 }),
      )
      .map(([prefix, parts]) => prefix + parts.join('')),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
);
