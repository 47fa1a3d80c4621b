/**
 * The checks a hand check of a body's common shape makes (chatShape.ts, responsesShape.ts), each
 * the same test as the zod check it stands for: z.string, z.boolean, z.number (finite), z.int
 * (a safe integer), `.nullish()`, `.optional()`, a loose object (any non-array object).
 */

export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const optional =
  (check: (value: unknown) => boolean) =>
  (value: unknown): boolean =>
    value === undefined || check(value);

export const nullish =
  (check: (value: unknown) => boolean) =>
  (value: unknown): boolean =>
    value === undefined || value === null || check(value);

export const isString = (value: unknown) => typeof value === 'string';
export const isBoolean = (value: unknown) => typeof value === 'boolean';
export const isNumber = (value: unknown) => typeof value === 'number' && Number.isFinite(value);
export const isInt = (value: unknown) => Number.isSafeInteger(value);
export const atLeast = (min: number) => (value: unknown) =>
  isInt(value) && (value as number) >= min;
