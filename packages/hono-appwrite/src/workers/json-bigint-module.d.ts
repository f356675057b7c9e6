// json-bigint ships no types; the differential test of the stand-in imports it.
declare module 'json-bigint' {
  interface JsonBig {
    parse(text: string, reviver?: (key: string, value: unknown) => unknown): unknown;
    stringify(value: unknown): string;
  }
  export default function JSONbig(options?: { storeAsString?: boolean; useNativeBigInt?: boolean }): JsonBig;
}
