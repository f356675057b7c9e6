import { isIP } from 'node:net';
import { formatDate } from '../clock.ts';
import { AppwriteError } from '../errors.ts';
import type { Column, ColumnType, Index } from './model.ts';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Integer bounds Appwrite stores when none are given (PHP_INT_MIN / PHP_INT_MAX). */
export const INT_MIN = -(2 ** 63);
export const INT_MAX = 2 ** 63 - 1;
/** Float bounds Appwrite stores when none are given (±PHP_FLOAT_MAX). */
export const FLOAT_MIN = -Number.MAX_VALUE;
export const FLOAT_MAX = Number.MAX_VALUE;

/** The Appwrite `format` of a string-typed column, as the column models report it. */
const FORMATS: Partial<Record<ColumnType, string>> = {
  email: 'email',
  enum: 'enum',
  url: 'url',
  ip: 'ip',
  datetime: 'datetime',
};

/** The route segment and response model name of each column type. */
export const COLUMN_MODELS: Record<ColumnType, string> = {
  string: 'columnString',
  integer: 'columnInteger',
  float: 'columnFloat',
  boolean: 'columnBoolean',
  datetime: 'columnDatetime',
  email: 'columnEmail',
  enum: 'columnEnum',
  url: 'columnUrl',
  ip: 'columnIp',
  varchar: 'columnVarchar',
  text: 'columnText',
  mediumtext: 'columnMediumtext',
  longtext: 'columnLongtext',
};

/** The column types that hold free text with a maximum length (`size`). */
export const TEXT_TYPES: readonly ColumnType[] = ['string', 'varchar', 'text', 'mediumtext', 'longtext'];

/** The string-valued column types: free text plus the formatted ones. */
export const STRING_TYPES: readonly ColumnType[] = [...TEXT_TYPES, 'email', 'enum', 'url', 'ip'];

/** The fixed sizes Appwrite gives the `text`, `mediumtext` and `longtext` columns (MariaDB's limits). */
export const FIXED_TEXT_SIZES: Partial<Record<ColumnType, number>> = {
  text: 65_535,
  mediumtext: 16_777_215,
  longtext: 4_294_967_295,
};

/** Whether a string is a URL Appwrite's URL validator accepts (scheme and host required). */
export const isUrl = (value: string): boolean => {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return url.host !== '' || url.protocol === 'mailto:';
};

/**
 * Why `value` does not fit the column, in the words of Appwrite's structure validator
 * (`has invalid type. …` / `has invalid format. …`), or null when it fits. Arrays are checked
 * element by element by the caller.
 */
export const valueProblem = (column: Column, value: unknown): string | null => {
  const type = (description: string) => `has invalid type. Value must be ${description}`;
  const format = (description: string) => `has invalid format. ${description}`;
  switch (column.type) {
    case 'string':
    case 'varchar':
    case 'text':
    case 'mediumtext':
    case 'longtext':
      if (typeof value !== 'string') return type('a valid string');
      if (value.length > column.size)
        return format(`Value must be a valid string and no longer than ${column.size} chars`);
      return null;
    case 'email':
      if (typeof value !== 'string') return type('a valid string');
      return EMAIL.test(value) ? null : format('Value must be a valid email address');
    case 'url':
      if (typeof value !== 'string') return type('a valid string');
      return isUrl(value) ? null : format('Value must be a valid URL');
    case 'ip':
      if (typeof value !== 'string') return type('a valid string');
      return isIP(value) ? null : format('Value must be a valid IP address');
    case 'enum':
      if (typeof value !== 'string') return type('a valid string');
      return column.elements?.includes(value)
        ? null
        : format(`Value must be one of (${(column.elements ?? []).join(', ')})`);
    case 'integer':
    case 'float': {
      const isInteger = column.type === 'integer';
      if (typeof value !== 'number' || !Number.isFinite(value) || (isInteger && !Number.isInteger(value)))
        return type(isInteger ? 'a valid integer' : 'a valid float');
      const min = column.min ?? (isInteger ? INT_MIN : FLOAT_MIN);
      const max = column.max ?? (isInteger ? INT_MAX : FLOAT_MAX);
      if (value < min || value > max)
        return format(`Value must be a valid range between ${formatBound(min)} and ${formatBound(max)}`);
      return null;
    }
    case 'boolean':
      return typeof value === 'boolean' ? null : type('a valid boolean');
    case 'datetime':
      return parseDatetime(value) === null ? type('a valid date in ISO 8601 format') : null;
  }
};

const formatBound = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 20 });

/** Epoch milliseconds of an ISO 8601 date string, or null when it is not one. */
export const parseDatetime = (value: unknown): number | null => {
  if (typeof value !== 'string' || !ISO_DATE.test(value)) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : time;
};

/** The stored form of a valid value: datetimes are normalised to Appwrite's format. */
export const storedValue = (column: Column, value: unknown): unknown => {
  if (column.type !== 'datetime') return value;
  const time = parseDatetime(value);
  return time === null ? value : formatDate(time);
};

/** The column model Appwrite answers with (`columnString`, `columnInteger`, …). */
export const columnModel = (column: Column, status = column.status): Record<string, unknown> => {
  const isStringBased = ['email', 'enum', 'url', 'ip'].includes(column.type);
  const base: Record<string, unknown> = {
    key: column.key,
    type: isStringBased ? 'string' : column.type,
    status,
    error: '',
    required: column.required,
    array: column.array,
    $createdAt: formatDate(column.createdAt),
    $updatedAt: formatDate(column.updatedAt),
  };
  switch (column.type) {
    case 'string':
    case 'varchar':
      return { ...base, size: column.size, default: column.default, encrypt: false };
    case 'text':
    case 'mediumtext':
    case 'longtext':
      return { ...base, default: column.default, encrypt: false };
    case 'integer':
      return {
        ...base,
        min: column.min ?? INT_MIN,
        max: column.max ?? INT_MAX,
        default: column.default,
      };
    case 'float':
      return {
        ...base,
        min: column.min ?? FLOAT_MIN,
        max: column.max ?? FLOAT_MAX,
        default: column.default,
      };
    case 'boolean':
      return { ...base, default: column.default };
    case 'enum':
      return { ...base, elements: [...(column.elements ?? [])], format: 'enum', default: column.default };
    default:
      return { ...base, format: FORMATS[column.type], default: column.default };
  }
};

/** The columnIndex model. */
export const indexModel = (index: Index, status = index.status): Record<string, unknown> => ({
  $id: index.key,
  $createdAt: formatDate(index.createdAt),
  $updatedAt: formatDate(index.updatedAt),
  key: index.key,
  type: index.type,
  status,
  error: '',
  columns: [...index.columns],
  lengths: [...index.lengths],
  orders: [...index.orders],
});

/** A 400 column_value_invalid with Appwrite's message. */
export const invalidColumnValue = (message: string): AppwriteError =>
  new AppwriteError('column_value_invalid', message);
