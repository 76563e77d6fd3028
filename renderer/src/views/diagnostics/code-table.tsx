import { CLOSE_CODES, HANDSHAKE_STATUSES } from '../../../../shared/close-codes';
import { MeaningTable } from './meaning-table';

/** The help table: what each close code and handshake status means. */
export function CodeTable() {
  return (
    <details className="help">
      <summary>What do close codes and handshake statuses mean?</summary>
      <div className="grid grid--2">
        <MeaningTable caption="Close codes" table={CLOSE_CODES} />
        <MeaningTable caption="Handshake (HTTP) statuses" table={HANDSHAKE_STATUSES} />
      </div>
    </details>
  );
}
