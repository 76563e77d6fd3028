import { useState, type ReactNode } from 'react';
import { ServerText } from './server-text';

/** Children shown per object or array before "… N more" (a 64 KB frame can hold thousands). */
const MAX_CHILDREN = 200;
/** Levels open at first: the shape of a frame at a glance, its depths on demand. */
const OPEN_DEPTH = 2;

/**
 * A JSON value as a collapsible tree. Our own small component rather than a library: it renders
 * a node's children only once it is opened (a large frame costs nothing until explored), shows
 * server strings through `ServerText` (bidi isolation, control characters replaced, long values
 * cut), styles with the theme's variables, and uses `<details>` so every node is reachable and
 * toggled with the keyboard (Tab, Enter, Space) and announced as expandable.
 */
export function JsonTree({ value, label = 'JSON' }: { value: unknown; label?: string }) {
  return (
    <div className="json-tree mono" role="group" aria-label={label}>
      <JsonNode name={null} value={value} depth={0} />
    </div>
  );
}

function JsonNode({ name, value, depth }: { name: string | null; value: unknown; depth: number }) {
  const key =
    name === null ? null : (
      <>
        <span className="json-tree__key">
          <ServerText text={name} max={120} />
        </span>
        <span className="json-tree__punct">: </span>
      </>
    );
  if (value !== null && typeof value === 'object')
    return <JsonBranch name={key} value={value as Record<string, unknown>} depth={depth} />;
  return (
    <div className="json-tree__leaf">
      {key}
      <JsonScalar value={value} />
    </div>
  );
}

function JsonBranch({
  name,
  value,
  depth,
}: {
  name: ReactNode;
  value: Record<string, unknown> | unknown[];
  depth: number;
}) {
  const [open, setOpen] = useState(depth < OPEN_DEPTH);
  const isArray = Array.isArray(value);
  const entries: Array<[string, unknown]> = isArray
    ? value.map((v, i) => [String(i), v])
    : Object.entries(value);
  const summary = isArray
    ? `[${entries.length} item${entries.length === 1 ? '' : 's'}]`
    : `{${entries.length} key${entries.length === 1 ? '' : 's'}}`;
  return (
    <details
      className="json-tree__branch"
      open={open}
      onToggle={(e) => setOpen(e.currentTarget.open)}
    >
      <summary>
        {name}
        <span className="json-tree__punct">{summary}</span>
      </summary>
      {open ? (
        <div className="json-tree__children">
          {entries.slice(0, MAX_CHILDREN).map(([k, v]) => (
            <JsonNode key={k} name={k} value={v} depth={depth + 1} />
          ))}
          {entries.length > MAX_CHILDREN ? (
            <div className="json-tree__more muted">
              … {entries.length - MAX_CHILDREN} more (copy the payload to see them all)
            </div>
          ) : null}
        </div>
      ) : null}
    </details>
  );
}

function JsonScalar({ value }: { value: unknown }) {
  if (typeof value === 'string')
    return (
      <span className="json-tree__string">
        “<ServerText text={value} max={2_000} />”
      </span>
    );
  if (typeof value === 'number') return <span className="json-tree__number">{String(value)}</span>;
  if (typeof value === 'boolean') return <span className="json-tree__bool">{String(value)}</span>;
  return <span className="json-tree__null">null</span>;
}

/** The payload parsed as JSON, or null when it is not JSON (the inspector then shows text). */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}
