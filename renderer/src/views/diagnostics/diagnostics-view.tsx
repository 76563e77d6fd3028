import { useEffect, useState } from 'react';
import type { SessionExport } from '../../../../shared/model/session-export';
import { Panel } from '../../ui/common';
import { useApp, useAppStore } from '../../ui/store-context';
import { HealthTable } from './health-table';
import { EndpointDetail } from './endpoint-detail';
import { SupportBundle } from './support-bundle';
import { CodeTable } from './code-table';
import { ExportButton } from './export-button';
import { ImportedSession } from './imported-session';
import { OpenSessionFile } from './open-session-file';

/** Support staff's view of every connection: health, journal, frames, checks and the bundle. */
export function DiagnosticsView() {
  const store = useAppStore();
  const param = useApp((s) => s.route.param);
  const connections = useApp((s) => s.connections);
  const [imported, setImported] = useState<{ session: SessionExport; fileName: string } | null>(
    null,
  );
  useEffect(() => {
    store.getState().setDiagnosticsLive(true);
    return () => store.getState().setDiagnosticsLive(false);
  }, [store]);
  const selectedId = param && connections[param] ? param : (Object.keys(connections)[0] ?? null);
  const diag = selectedId ? connections[selectedId] : undefined;
  return (
    <div className="page">
      <div className="page__head">
        <h1 className="page__title">Diagnostics</h1>
        <div className="page__actions">
          <SupportBundle />
          <ExportButton label="Save support bundle" request={{ what: 'bundle' }} />
          <OpenSessionFile onOpen={(session, fileName) => setImported({ session, fileName })} />
        </div>
      </div>
      <Panel title="Connection health">
        <HealthTable selected={selectedId} />
      </Panel>
      {param && !connections[param] ? (
        <div className="callout callout--warn">No connection named “{param}”.</div>
      ) : null}
      {imported ? (
        <ImportedSession
          session={imported.session}
          fileName={imported.fileName}
          onClose={() => setImported(null)}
        />
      ) : diag ? (
        <EndpointDetail diag={diag} />
      ) : null}
      <CodeTable />
    </div>
  );
}
