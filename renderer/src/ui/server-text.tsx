import { useMemo } from 'react';
import { clipForDisplay } from '../../../shared/util/display-text';

/**
 * Text a server wrote (titles, names, messages, previews), shown safely: in its own `<bdi>`
 * (`unicode-bidi: isolate`), so right-to-left text or an override cannot reorder what is around
 * it; with bidi controls and control characters replaced by U+FFFD; cut at `max` characters with
 * `…`, the whole text in the tooltip (and, where it matters, in a detail view); and allowed to
 * wrap anywhere, so a 100 kB word cannot push the layout sideways.
 */
export function ServerText({
  text,
  max = 200,
  className,
}: {
  text: string;
  max?: number;
  className?: string;
}) {
  const { shown, full, cut } = useMemo(() => clipForDisplay(text, max), [text, max]);
  return (
    <bdi
      className={className ? `server-text ${className}` : 'server-text'}
      title={cut ? full : undefined}
    >
      {shown}
    </bdi>
  );
}
