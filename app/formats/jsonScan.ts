/**
 * Looking into an event's JSON without parsing it, for a relay that passes a same-format stream
 * through and needs only a few facts from it (usage, a finish, an error). A scan may say "look
 * closer" for an event that turns out ordinary (the event is then parsed); it never calls an
 * event ordinary that carries one of the keys.
 */

/**
 * A pattern that finds any of `names` as a key whose value is not `null`, at any depth. In JSON a
 * quote inside a string is escaped, so a name in plain quotes followed by a colon is a key, never
 * text inside a string; a key written with escapes (`"\u0075sage"`) is not found, and no provider
 * writes one. One regular expression per event: V8 runs it far faster than an `indexOf` per key.
 */
export function keysPattern(names: readonly string[]): RegExp {
  // `(?!\s|null)`: the spaces are all taken first, so backing off one cannot hide a null.
  return new RegExp(`"(?:${names.join('|')})"\\s*:\\s*(?!\\s|null)`);
}

/** Whether `json` is framed as one object: `{` first and `}` last (not that it parses). */
export function looksLikeObject(json: string): boolean {
  return json.charCodeAt(0) === 123 /* { */ && json.charCodeAt(json.length - 1) === 125; /* } */
}
