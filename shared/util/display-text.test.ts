import { describe, expect, it } from 'vitest';
import { clipForDisplay, labelText, neutraliseText, REPLACEMENT } from './display-text';

describe('text from servers, for display', () => {
  it('replaces bidi overrides, isolates, marks and control characters, keeps the rest', () => {
    const spoof = 'invoice\u202Efdp.exe\u202C';
    expect(neutraliseText(spoof)).toBe(`invoice${REPLACEMENT}fdp.exe${REPLACEMENT}`);
    expect(neutraliseText('a\u2066b\u2069c\u200Fd\u061Ce\u0007f\u009Bg')).toBe(
      `a${REPLACEMENT}b${REPLACEMENT}c${REPLACEMENT}d${REPLACEMENT}e${REPLACEMENT}f${REPLACEMENT}g`,
    );
    // Real right-to-left text, emoji with joiners, tabs and newlines are text, not tricks.
    const fine = 'שלום עולם 👩‍💻\tline\nnext';
    expect(neutraliseText(fine)).toBe(fine);
  });

  it('cuts long text with an ellipsis and keeps the whole for a tooltip or a detail view', () => {
    const long = `--version ${'x'.repeat(100_000)}`;
    const out = clipForDisplay(long, 200);
    expect(out.cut).toBe(true);
    expect(out.shown).toHaveLength(200);
    expect(out.shown.startsWith('--version')).toBe(true);
    expect(out.shown.endsWith('…')).toBe(true);
    expect(out.full).toBe(long);
    expect(clipForDisplay('short', 200)).toEqual({ shown: 'short', full: 'short', cut: false });
  });

  it('never cuts inside a surrogate pair', () => {
    const out = clipForDisplay(`${'a'.repeat(8)}😀😀😀`, 10);
    expect(out.shown).toBe(`${'a'.repeat(8)}…`);
    expect(labelText('\u202E--help', 80)).toBe(`${REPLACEMENT}--help`);
  });
});
