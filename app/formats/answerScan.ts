/**
 * Reading one member of a whole JSON answer without parsing the answer, for a passthrough that
 * sends the text on untouched and needs only its usage: JSON.parse built every string and number
 * of the answer (its content, an embedding's floats) only for them to be dropped. The scan is
 * sure or says so: where it cannot tell, the caller parses the whole answer as before.
 */

/** Members that may follow the one read: a name, then a string without escapes, a number or a literal. */
const PLAIN_TAIL =
  /^\s*(?:,\s*"[^"\\]*"\s*:\s*(?:"[^"\\]*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|null|true|false)\s*)*\}\s*$/;

const OPENS_OBJECT = /^\s*\{/;

/** Where the object (or array) opening at `from` closes, just past it; -1 when it never does. */
function closingOf(text: string, from: number): number {
  let depth = 0;
  let inString = false;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) depth++;
    else if (c === 125 /* } */ || c === 93 /* ] */) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/**
 * The text of the top-level member `name` of the JSON object `json`, when that member is an
 * object or null; `undefined` when the scan cannot be sure: the key is missing (an answer cut
 * off before it lacks it too, and only a parse tells the two apart), appears more than once, its
 * value is of another kind, or members other than plain strings, numbers and literals follow it. The key is found by its quoted
 * name: inside a JSON string a quote is escaped, so `"name"` in the text is a key. It is
 * top-level when only plain members and the answer's last `}` follow its value (a nested one
 * is followed by its own object's `}` or `]` first). Assumes `json` is one well-formed object;
 * a malformed answer read this way goes on as it came, as a passed-through stream's does.
 */
export function lastMemberText(json: string, name: string): string | undefined {
  if (!OPENS_OBJECT.test(json)) return undefined;
  const key = `"${name}"`;
  const at = json.indexOf(key);
  if (at === -1) return undefined;
  if (json.indexOf(key, at + key.length) !== -1) return undefined;
  let i = at + key.length;
  while (json.charCodeAt(i) <= 32) i++;
  if (json.charCodeAt(i) !== 58 /* : */) return undefined;
  i++;
  while (json.charCodeAt(i) <= 32) i++;
  let end: number;
  if (json.startsWith('null', i)) end = i + 4;
  else if (json.charCodeAt(i) === 123 /* { */) end = closingOf(json, i);
  else return undefined;
  if (end === -1 || !PLAIN_TAIL.test(json.slice(end))) return undefined;
  return json.slice(i, end);
}
