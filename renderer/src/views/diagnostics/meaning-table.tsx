import { type CodeMeaning } from '../../../../shared/close-codes';

/** One half of the help table: codes with their name and meaning. */
export function MeaningTable({
  caption,
  table,
}: {
  caption: string;
  table: Readonly<Record<number, CodeMeaning>>;
}) {
  return (
    <table className="table table--compact">
      <caption>{caption}</caption>
      <tbody>
        {Object.entries(table).map(([code, m]) => (
          <tr key={code}>
            <td className="mono">{code}</td>
            <td>
              <strong>{m.name}</strong> — {m.meaning}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
