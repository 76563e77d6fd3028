import type { DndReading } from '../../../shared/model/diagnostics';

/**
 * The Settings line under "Respect the system's Do Not Disturb": what the OS says, where Lookout
 * read it, and, where it cannot be read, why and that the setting then changes nothing. Readings
 * not verified on the real OS say so (macOS and Windows).
 */
export function dndLine(dnd: DndReading | undefined): string {
  if (!dnd) return 'Reading the system’s Do Not Disturb…';
  const main =
    dnd.state === 'unknown'
      ? `${dnd.detail} This setting has no effect here until it can be read.`
      : `${dnd.detail} Read from ${dnd.source ?? 'the system'}.`;
  return dnd.caveat ? `${main} ${dnd.caveat}` : main;
}
