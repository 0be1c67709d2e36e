// @mentions in note text, split for display: the text stays text (rendered by interpolation only),
// the `@handle` parts are marked so the timeline can highlight them. The same reading as the
// backend (switchboard_core::presence::mentioned_handles): an `@` starts a mention at the start or
// after a character that is not part of a handle (so `ana@example.com` is no mention); a handle is
// letters, digits, `_`, `-` and inner `.`.

export interface TextPart {
  text: string;
  mention: boolean;
}

const HANDLE_CHAR = /[\p{L}\p{N}_-]/u;

export function mentionParts(text: string): TextPart[] {
  const chars = [...text];
  const parts: TextPart[] = [];
  let plain = '';
  let i = 0;
  while (i < chars.length) {
    const prev = i > 0 ? chars[i - 1] : '';
    if (chars[i] === '@' && (i === 0 || (!HANDLE_CHAR.test(prev) && prev !== '@'))) {
      let j = i + 1;
      while (j < chars.length && (HANDLE_CHAR.test(chars[j]) || chars[j] === '.')) j++;
      let end = j;
      while (end > i + 1 && chars[end - 1] === '.') end--;
      if (end > i + 1) {
        if (plain) parts.push({ text: plain, mention: false });
        plain = '';
        parts.push({ text: chars.slice(i, end).join(''), mention: true });
        i = end;
        continue;
      }
    }
    plain += chars[i];
    i++;
  }
  if (plain) parts.push({ text: plain, mention: false });
  return parts;
}
