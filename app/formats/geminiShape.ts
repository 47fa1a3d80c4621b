/**
 * A Gemini `generateContent` body (and a `countTokens` one) checked by hand, field by field and
 * part by part as `GeminiInboundRequestSchema` checks it, so the body is used as it came: the
 * schema copies every object it checks, which for Gemini CLI's bodies (a 23 KB system
 * instruction, 16 tool declarations, a function call and response per turn) allocated twice
 * what parsing the JSON did.
 *
 * Unlike the Messages and Chat schemas, this one fills in a default: a content (or an object
 * system instruction) without `parts` gets `parts: []`. So these checks take only a body the
 * schema would return unchanged, one whose every content has its `parts`; any other is left to
 * the schema, whose copy (with the defaults filled in) is what the request path then reads.
 *
 * The checks are plain functions over the value, none made per call: this runs once per part.
 */
import {
  fieldsPass,
  isInt,
  isNumber,
  isObject,
  isOptionalString,
  isString,
  type FieldChecks,
  type Json,
} from './shapeChecks.ts';

/** `z.record(z.string(), z.unknown())`, optional or nullish. */
const isOptionalRecord = (value: unknown) => value === undefined || isObject(value);
const isNullishRecord = (value: unknown) =>
  value === undefined || value === null || isObject(value);
const isOptionalNumber = (value: unknown) => value === undefined || isNumber(value);
const isOptionalStrings = (value: unknown) =>
  value === undefined || (Array.isArray(value) && value.every(isString));
/** `z.int().positive()` (or `.min(1)`), optional. */
const isOptionalCount = (value: unknown) =>
  value === undefined || (isInt(value) && (value as number) >= 1);

/** A function call (or response): its name, its `args` (`response`) a record or null, its id. */
const isCall = (call: unknown, data: 'args' | 'response') =>
  isObject(call) &&
  typeof call.name === 'string' &&
  isNullishRecord(call[data]) &&
  isOptionalString(call.id);

const isInlineData = (data: unknown) =>
  isObject(data) && typeof data.mimeType === 'string' && typeof data.data === 'string';
const isFileData = (data: unknown) =>
  isObject(data) && isOptionalString(data.mimeType) && typeof data.fileUri === 'string';

/**
 * A part: each field the schema names checked where present, any other taken as is. Its own
 * keys are walked rather than each named field looked up: a part holds one or two of the seven,
 * and a lookup of an absent key on parts of many shapes cost more than the walk (21 against
 * 13 µs for Gemini CLI's 300-content body).
 */
function isPart(part: unknown): boolean {
  if (!isObject(part)) return false;
  for (const key in part) {
    const value = part[key];
    if (value === undefined) continue;
    switch (key) {
      case 'text':
      case 'thoughtSignature':
        if (typeof value !== 'string') return false;
        break;
      case 'thought':
        if (typeof value !== 'boolean') return false;
        break;
      case 'functionCall':
        if (!isCall(value, 'args')) return false;
        break;
      case 'functionResponse':
        if (!isCall(value, 'response')) return false;
        break;
      case 'inlineData':
        if (!isInlineData(value)) return false;
        break;
      case 'fileData':
        if (!isFileData(value)) return false;
        break;
    }
  }
  return true;
}

/** Parts as they are: an array of parts, never missing (the schema would fill it in). */
const isParts = (parts: unknown) => Array.isArray(parts) && parts.every(isPart);

const isContent = (content: unknown) =>
  isObject(content) && isOptionalString(content.role) && isParts(content.parts);

const isContents = (contents: unknown) => Array.isArray(contents) && contents.every(isContent);

const isDeclaration = (declaration: unknown) =>
  isObject(declaration) &&
  typeof declaration.name === 'string' &&
  declaration.name !== '' &&
  isOptionalString(declaration.description) &&
  isOptionalRecord(declaration.parameters) &&
  isOptionalRecord(declaration.parametersJsonSchema);

const isTool = (tool: unknown) =>
  isObject(tool) &&
  (tool.functionDeclarations === undefined ||
    (Array.isArray(tool.functionDeclarations) && tool.functionDeclarations.every(isDeclaration)));

function isToolConfig(config: unknown): boolean {
  if (!isObject(config)) return false;
  const calling = config.functionCallingConfig;
  return (
    calling === undefined ||
    (isObject(calling) &&
      isOptionalString(calling.mode) &&
      isOptionalStrings(calling.allowedFunctionNames))
  );
}

/** The generation config's fields the schema names, each with the check it makes. */
const GENERATION: ReadonlyMap<string, (value: unknown) => boolean> = new Map(
  Object.entries({
    temperature: isOptionalNumber,
    topP: isOptionalNumber,
    maxOutputTokens: isOptionalCount,
    stopSequences: isOptionalStrings,
    candidateCount: isOptionalCount,
    seed: (value: unknown) => value === undefined || isInt(value),
    presencePenalty: isOptionalNumber,
    frequencyPenalty: isOptionalNumber,
    responseMimeType: isOptionalString,
    responseSchema: isOptionalRecord,
    responseJsonSchema: isOptionalRecord,
  }),
);

function isGenerationConfig(config: unknown): boolean {
  if (!isObject(config)) return false;
  for (const key in config) {
    const check = GENERATION.get(key);
    if (check !== undefined && !check(config[key])) return false;
  }
  return true;
}

/** The request's own fields the schema names but does not require, each with the check it makes. */
const FIELDS: FieldChecks = new Map(
  Object.entries({
    systemInstruction: (value: unknown) =>
      value === undefined || typeof value === 'string' || (isObject(value) && isParts(value.parts)),
    tools: (value: unknown) => value === undefined || (Array.isArray(value) && value.every(isTool)),
    toolConfig: (value: unknown) => value === undefined || isToolConfig(value),
    generationConfig: (value: unknown) => value === undefined || isGenerationConfig(value),
  }),
);

/** Whether a generateContent body passes `GeminiInboundRequestSchema` and comes out unchanged. */
export function isGenerateContentRequest(body: Json): boolean {
  const { contents } = body;
  if (!Array.isArray(contents) || contents.length === 0 || !isContents(contents)) return false;
  return fieldsPass(body, FIELDS);
}

/** Whether a countTokens body passes `GeminiCountTokensRequestSchema` and comes out unchanged. */
export function isGeminiCountTokensRequest(body: Json): boolean {
  const { contents, generateContentRequest } = body;
  return (
    (contents === undefined || isContents(contents)) &&
    (generateContentRequest === undefined || isObject(generateContentRequest))
  );
}
