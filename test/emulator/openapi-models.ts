import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { expect } from 'vitest';

/**
 * Appwrite's own published OpenAPI 3 server spec (info.version 1.8.1). It lives beside the
 * repository in `../shared/appwrite/openapi/` and is never copied in.
 */
export const SPEC_PATH = fileURLToPath(
  new URL('../../../shared/appwrite/openapi/open-api3-latest-server.json', import.meta.url),
);
export const hasSpec = existsSync(SPEC_PATH);
if (!hasSpec) {
  console.warn(`../shared/appwrite/openapi not found (${SPEC_PATH}): OpenAPI model validation skipped`);
}

interface SchemaObject {
  type?: string;
  properties?: Record<string, SchemaObject>;
  [keyword: string]: unknown;
}

/**
 * Drops `example` and `x-example` values: they are annotations, but Ajv scans every key of a schema
 * for `$id`, and the model examples contain `$id` fields (the models' own ID attribute), which it
 * would take for conflicting schema ids ("resolves to more than one schema").
 */
const withoutExamples = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(withoutExamples);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'example' && key !== 'x-example')
      .map(([key, item]) => [key, withoutExamples(item)]),
  );
};

/**
 * The spec's model schemas (`components.schemas`, kept at the same path so that the spec's own
 * `#/components/schemas/…` references resolve), with the two documented deviations of the 1.9
 * server from this 1.8.1 spec.
 */
export const loadSpec = (): { components: { schemas: Record<string, SchemaObject> } } => {
  const document = JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as { components: { schemas: unknown } };
  const spec = {
    components: { schemas: withoutExamples(document.components.schemas) as Record<string, SchemaObject> },
  };
  const { row, error } = spec.components.schemas;
  const sequence = row?.properties?.$sequence;
  const code = error?.properties?.code;
  if (!sequence || !code) throw new Error('spec: row.$sequence or error.code not found');
  // Override 1 (contract §1.3 item 7, §11): Appwrite 1.9 renders `row.$sequence` as a string
  // (Row model attribute of TYPE_ID); the 1.8.x spec still types it as an int32 integer.
  delete sequence.format;
  sequence.type = 'string';
  // Override 2 (contract §1.3 item 1): the spec types `error.code` as a string (example "404"), but
  // the server emits the HTTP status as a JSON integer.
  code.type = 'integer';
  return spec;
};

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

/** The validator of one model of the spec (`user`, `team`, `columnString`, …), compiled once. */
export const validatorOf = (model: string): ValidateFunction => {
  const known = compiled.get(model);
  if (known) return known;
  if (!ajv) {
    // OpenAPI 3.0 schemas: `nullable` is supported by Ajv; `x-example`, `readOnly` and the other
    // annotations are ignored with `strict: false`.
    ajv = new Ajv({ strict: false, allErrors: true });
    // OpenAPI data-type formats are annotations here (the `type` next to them is still checked).
    for (const format of [
      'int32',
      'int64',
      'float',
      'double',
      'email',
      'url',
      'ip',
      'datetime',
      'enum',
      'password',
      'phone',
      'binary',
    ]) {
      ajv.addFormat(format, true);
    }
    ajv.addSchema(loadSpec(), 'spec');
  }
  const validate = ajv.compile({ $ref: `spec#/components/schemas/${model}` });
  compiled.set(model, validate);
  return validate;
};

/**
 * Asserts that `body` is a valid `model` of Appwrite's OpenAPI spec, printing Ajv's errors when it
 * is not. Without the spec beside the repository it checks nothing (the suite logs why once).
 */
export const expectModel = (model: string, body: unknown): void => {
  if (!hasSpec) return;
  const validate = validatorOf(model);
  validate(body);
  expect(validate.errors ?? [], `${model}: ${JSON.stringify(body)}`).toEqual([]);
};
