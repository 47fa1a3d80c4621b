/**
 * The checks a hand check of a body's shape makes (anthropicShape.ts, chatShape.ts, geminiShape.ts,
 * responsesShape.ts), each the same test as the zod check it stands for: z.string, z.boolean,
 * z.number (finite), z.int (a safe integer), `.nullish()`, `.optional()`, a loose object or a
 * record (any non-array object: all a JSON body holds). `optional` and `nullish` make a check;
 * the `isOptional…`/`isNullish…` ones are made once, for checks run per message or block.
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

export const isOptionalString = (value: unknown) =>
  value === undefined || typeof value === 'string';
export const isNullishString = (value: unknown) =>
  value === undefined || value === null || typeof value === 'string';
export const isOptionalBoolean = (value: unknown) =>
  value === undefined || typeof value === 'boolean';
export const isNullishBoolean = (value: unknown) =>
  value === undefined || value === null || typeof value === 'boolean';

/** A body's own fields a hand check names, each with the test the schema makes of it. */
export type FieldChecks = ReadonlyMap<string, (value: unknown) => boolean>;

/** Whether every field of `body` that `fields` names passes its check. */
export function fieldsPass(body: Json, fields: FieldChecks): boolean {
  for (const key in body) {
    const check = fields.get(key);
    if (check !== undefined && !check(body[key])) return false;
  }
  return true;
}

/** Whether `model` is a non-empty string and `messages` a non-empty list, each item passing `isMessage`. */
export function hasModelAndMessages(body: Json, isMessage: (message: unknown) => boolean): boolean {
  const { model, messages } = body;
  return (
    typeof model === 'string' &&
    model !== '' &&
    Array.isArray(messages) &&
    messages.length > 0 &&
    messages.every(isMessage)
  );
}
