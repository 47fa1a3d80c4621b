/**
 * Parses a .env file: `NAME=value`, optional `export `, `#` comments, single quotes taken
 * literally, double quotes with \n, \t, \" and \\ escapes (and spanning lines), unquoted
 * values trimmed and cut at ` #`.
 */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const src = text.replace(/\r\n?/g, '\n');
  let i = 0;
  while (i < src.length) {
    const lineEnd = src.indexOf('\n', i) === -1 ? src.length : src.indexOf('\n', i);
    const line = src.slice(i, lineEnd);
    const head = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*/.exec(line);
    if (head === null) {
      i = lineEnd + 1;
      continue;
    }
    const name = head[1] as string;
    let pos = i + head[0].length;
    const quote = src[pos];
    if (quote === '"' || quote === "'") {
      let value = '';
      let j = pos + 1;
      let closed = false;
      while (j < src.length) {
        const ch = src[j] as string;
        if (ch === quote) {
          closed = true;
          break;
        }
        if (ch === '\\' && quote === '"' && j + 1 < src.length) {
          const next = src[j + 1] as string;
          value += next === 'n' ? '\n' : next === 't' ? '\t' : next === 'r' ? '\r' : next;
          j += 2;
          continue;
        }
        value += ch;
        j++;
      }
      if (closed) {
        out[name] = value;
        const after = src.indexOf('\n', j);
        i = after === -1 ? src.length : after + 1;
        continue;
      }
      // An unclosed quote: take the rest of the line as written, like most dotenv loaders.
      pos = i + head[0].length;
    }
    let value = src.slice(pos, lineEnd);
    const comment = value.search(/\s#/);
    if (comment !== -1) value = value.slice(0, comment);
    out[name] = value.trim();
    i = lineEnd + 1;
  }
  return out;
}
