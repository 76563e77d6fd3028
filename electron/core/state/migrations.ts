/**
 * Forward migrations of Lookout's versioned files. A file format is its current version plus one
 * step per earlier version; loading a file written by an older Lookout runs the steps from its
 * version up, in order, before the file's schema checks the result. A file from a newer Lookout is
 * never migrated down: the caller keeps it untouched and says so.
 */

/** One step of a format's history: the data of version `from` → the data of `from + 1`. */
export interface Migration {
  from: number;
  /** What changed, in words (logged when the step runs). */
  change: string;
  /** Pure; may throw on data it cannot read (the file is then treated as damaged). */
  up(data: unknown): unknown;
}

/** A versioned file format: what `PersistedFile` (and `endpoints.json`) need to read any version. */
export interface FileFormat {
  /** What the file holds (`settings`, `state`, …). */
  kind: string;
  /** The version this Lookout writes. */
  version: number;
  /** Steps from version 1 up to `version`, one per version. */
  migrations: readonly Migration[];
}

export type MigrationOutcome =
  | { status: 'current'; data: unknown }
  | { status: 'migrated'; data: unknown; from: number; changes: string[] }
  | { status: 'newer'; version: number }
  | { status: 'failed'; reason: string };

/** A format whose current version follows from its steps (1 + one per step), checked to be complete. */
export function defineFormat(kind: string, migrations: readonly Migration[]): FileFormat {
  migrations.forEach((step, index) => {
    if (step.from !== index + 1)
      throw new Error(
        `${kind}: migration ${index} is from version ${step.from}, want ${index + 1}`,
      );
  });
  return { kind, version: migrations.length + 1, migrations };
}

/** Brings `data` of `version` up to the format's current version. Never throws. */
export function migrate(
  format: Pick<FileFormat, 'kind' | 'version' | 'migrations'>,
  version: number,
  data: unknown,
): MigrationOutcome {
  if (!Number.isInteger(version) || version < 1)
    return { status: 'failed', reason: `has an invalid format version (${String(version)})` };
  if (version === format.version) return { status: 'current', data };
  if (version > format.version) return { status: 'newer', version };
  let current = data;
  const changes: string[] = [];
  for (let v = version; v < format.version; v += 1) {
    const step = format.migrations.find((m) => m.from === v);
    if (!step)
      return {
        status: 'failed',
        reason: `has format version ${version}, and this Lookout cannot convert version ${v}`,
      };
    try {
      current = step.up(current);
    } catch (error) {
      return {
        status: 'failed',
        reason: `could not be converted from format version ${v} (${error instanceof Error ? error.message : String(error)})`,
      };
    }
    changes.push(`${v}→${v + 1}: ${step.change}`);
  }
  return { status: 'migrated', data: current, from: version, changes };
}

/** The words for a file written by a newer Lookout, kept as it is. */
export function newerFileMessage(path: string, kind: string, found: number, reads: number): string {
  return `${path} was written by a newer Lookout (format ${found}; this one reads up to ${reads}). It is kept as it is and will not be overwritten: this Lookout runs with default ${kind} and does not save them. Update Lookout to use it again, or move the file away to start over with this version.`;
}

/** A step that removes one key from an object (and leaves anything else as it was). */
export function withoutKey(key: string): (data: unknown) => unknown {
  return (data) => {
    if (!data || typeof data !== 'object' || Array.isArray(data)) return data;
    const { [key]: _removed, ...rest } = data as Record<string, unknown>;
    return rest;
  };
}
