/**
 * Tokenizer for AWS's space-delimited access logs (ALB, S3 server access): fields separated by single
 * spaces, some in double quotes (which may contain spaces and `\"`), S3's time in square brackets. A quoted
 * field's value is returned without its quotes; `quoted[i]` says whether field i was quoted.
 */
export interface Tokens {
  values: string[];
  quoted: boolean[];
}

/** Splits one line, or returns a reason when a quote or bracket is not closed. `brackets`: read `[…]` as one field (S3). */
export function tokenizeDelimited(line: string, brackets = false): Tokens | string {
  const values: string[] = [];
  const quoted: boolean[] = [];
  const n = line.length;
  let i = 0;
  while (i < n) {
    const c = line.charCodeAt(i);
    if (c === 32 || c === 9) {
      i++;
      continue;
    }
    if (c === 34) {
      // "…" with \" and \\ escapes
      let j = i + 1;
      let value = '';
      let last = j;
      for (;;) {
        if (j >= n) return `unclosed quote in field ${values.length + 1}`;
        const d = line.charCodeAt(j);
        if (d === 92 && j + 1 < n) {
          const e = line.charCodeAt(j + 1);
          if (e === 34 || e === 92) {
            value += line.slice(last, j);
            last = j + 1;
            j += 2;
            continue;
          }
        }
        if (d === 34) break;
        j++;
      }
      value += line.slice(last, j);
      values.push(value);
      quoted.push(true);
      i = j + 1;
      continue;
    }
    if (c === 91 && brackets) {
      const j = line.indexOf(']', i + 1);
      if (j < 0) return `unclosed [ in field ${values.length + 1}`;
      values.push(line.slice(i + 1, j));
      quoted.push(true);
      i = j + 1;
      continue;
    }
    let j = line.indexOf(' ', i);
    if (j < 0) j = n;
    values.push(line.slice(i, j));
    quoted.push(false);
    i = j;
  }
  return { values, quoted };
}

/** Calls `fn(line, lineNumber)` for each non-empty line (CRLF tolerated). */
export function forEachLine(text: string, fn: (line: string, lineNumber: number) => void): void {
  const n = text.length;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let lineNumber = 0;
  while (pos < n) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = n;
    lineNumber++;
    let end = nl;
    if (end > pos && text.charCodeAt(end - 1) === 13) end--;
    if (end > pos) fn(text.slice(pos, end), lineNumber);
    pos = nl + 1;
  }
}

/** `host:port` (IPv4, or IPv6 in brackets or bare with the port after the last colon) → [host, port]. */
export function splitHostPort(s: string): [string, number | null] {
  const colon = s.lastIndexOf(':');
  if (colon <= 0) return [s, null];
  let host = s.slice(0, colon);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const portText = s.slice(colon + 1);
  let port = 0;
  if (portText.length === 0 || portText.length > 5) return [s, null];
  for (let i = 0; i < portText.length; i++) {
    const c = portText.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return [s, null];
    port = port * 10 + c;
  }
  return port <= 65535 ? [host, port] : [s, null];
}
