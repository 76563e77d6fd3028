import { type RankedCause } from '../../../../shared/model/health';

/** Possible causes of an ambiguous failure, most likely first, each with its evidence. */
export function CauseList({ causes }: { causes: readonly RankedCause[] }) {
  return (
    <ol className="causes" aria-label="Possible causes, most likely first">
      {causes.map((c) => (
        <li key={c.id} className={`cause cause--${c.likelihood}`}>
          <span className={`likelihood likelihood--${c.likelihood}`}>{c.likelihood}</span> {c.text}{' '}
          <span className="muted small">({c.evidence})</span>
        </li>
      ))}
    </ol>
  );
}
