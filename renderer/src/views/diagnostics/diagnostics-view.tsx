import { useEffect } from 'react';
import { Panel } from '../../ui/common';
import { useApp, useAppStore } from '../../ui/store-context';
import { HealthTable } from './health-table';
import { EndpointDetail } from './endpoint-detail';
import { SupportBundle } from './support-bundle';
import { CodeTable } from './code-table';

/** Support staff's view of every connection: health, journal, frames, checks and the bundle. */
export function DiagnosticsView() {
  const store = useAppStore();
  const param = useApp((s) => s.route.param);
  const connections = useApp((s) => s.connections);
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
        </div>
      </div>
      <Panel title="Connection health">
        <HealthTable selected={selectedId} />
      </Panel>
      {param && !connections[param] ? (
        <div className="callout callout--warn">No connection named “{param}”.</div>
      ) : null}
      {diag ? <EndpointDetail diag={diag} /> : null}
      <CodeTable />
    </div>
  );
}
