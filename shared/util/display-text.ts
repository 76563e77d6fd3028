/**
 * Text from servers, made safe to show: characters that reorder or hide the text around them
 * (bidi embeddings, overrides, isolates and marks; C0 and C1 control characters) are replaced by
 * U+FFFD, visible where they were; and long text is cut for display with `…`. Pure: the renderer
 * uses it for everything a server wrote, the OS notifier for what the desktop shows.
 */

/** Bidi formatting (U+061C, U+200E/F, U+202A–E, U+2066–9) and control characters (not tab or newline). */
/* eslint-disable no-control-regex -- matching control characters is the point here */
const UNSAFE =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
/* eslint-enable no-control-regex */

export const REPLACEMENT = '\uFFFD';

/** `text` with every character that could reorder or hide its neighbours replaced by U+FFFD. */
export function neutraliseText(text: string): string {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(text) ? text.replace(UNSAFE, REPLACEMENT) : text;
}

export interface ClippedText {
  /** What to show: at most `max` characters, the last one `…` when cut. */
  shown: string;
  /** The whole (neutralised) text. */
  full: string;
  cut: boolean;
}

/** Neutralised text, cut to `max` characters for display (never inside a surrogate pair). */
export function clipForDisplay(text: string, max: number): ClippedText {
  const full = neutraliseText(text);
  if (full.length <= max) return { shown: full, full, cut: false };
  let end = Math.max(0, max - 1);
  const last = full.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return { shown: `${full.slice(0, end)}…`, full, cut: true };
}

/** Short, safe text for labels (`aria-label`, window titles): neutralised and cut. */
export function labelText(text: string, max = 80): string {
  return clipForDisplay(text, max).shown;
}
