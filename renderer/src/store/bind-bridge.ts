import { mergePatches, type AppPatch } from '../../../shared/model/app-state';
import { labelText } from '../../../shared/util/display-text';
import type { LookoutBridge, SendPayload } from '../../../shared/ipc/contract';
import type { SessionDiagnostics, StateChange } from '../../../shared/model/connection';
import type { EndpointHealth } from '../../../shared/model/health';
import type { AppState, AppStore } from './app-store';
import { byEndpoint, withStateChange } from './connections-slice';
import { animationFrameScheduler, type FrameScheduler } from './frame-scheduler';
import { applyModelPatch, modelFields } from './model-sync';

export interface BindOptions {
  scheduler?: FrameScheduler;
}

type ConnectionOp =
  | { kind: 'diagnostics'; list: SessionDiagnostics[] }
  | { kind: 'state'; change: StateChange }
  | { kind: 'health'; health: EndpointHealth };

/** What `app:view` reports for a state: the view and, on the diagnostics page, its endpoint. */
export function viewReport(state: AppState): SendPayload<'app:view'> {
  const { view, param } = state.route;
  return view === 'diagnostics' && param
    ? { focused: state.focused, view, endpoint: param.slice(0, 64) }
    : { focused: state.focused, view };
}

/** A screen-reader line for new warnings / critical alerts in a batch, or '' for none. */
export function announcementFor(patch: AppPatch): string {
  const loud = (patch.notificationsAdded ?? []).filter((n) => n.severity !== 'info');
  if (loud.length === 0) return '';
  const last = loud[loud.length - 1];
  if (!last) return '';
  const head = last.severity === 'critical' ? 'Critical alert' : 'Warning';
  // Read aloud: safe and short (a screen reader would spell out a 300-character title).
  const title = labelText(last.title, 120);
  return loud.length === 1 ? `${head}: ${title}` : `${loud.length} new alerts. Latest: ${title}`;
}

/**
 * Wire the bridge into the store — the only place IPC meets state. Subscribes to every push first
 * (so nothing is lost), says `app:ready`, loads `app:initial-state`, and from then on applies live
 * data once per frame: any number of patches, diagnostics and state changes that arrived since the
 * last frame become ONE store update. Reports the view and window focus with `app:view`.
 * Returns the function that undoes all of it.
 */
export function bindBridge(
  store: AppStore,
  bridge: LookoutBridge,
  options: BindOptions = {},
): () => void {
  const scheduler = options.scheduler ?? animationFrameScheduler();
  let pendingPatch: AppPatch | null = null;
  let connectionOps: ConnectionOp[] = [];
  let loaded = false;
  let disposed = false;
  let cancelFrame: (() => void) | null = null;

  const flush = () => {
    cancelFrame = null;
    if (disposed || !loaded) return;
    const patch = pendingPatch;
    const ops = connectionOps;
    pendingPatch = null;
    connectionOps = [];
    if (!patch && ops.length === 0) return;
    store.setState((state) => {
      const next: Partial<AppState> = patch ? applyModelPatch(state, patch) : {};
      if (ops.length > 0) {
        let connections = state.connections;
        let health = state.health;
        for (const op of ops) {
          if (op.kind === 'health') health = { ...health, [op.health.endpoint]: op.health };
          else if (op.kind === 'diagnostics') connections = byEndpoint(op.list);
          else connections = withStateChange(connections, op.change);
        }
        next.connections = connections;
        next.health = health;
      }
      const announcement = patch ? announcementFor(patch) : '';
      if (announcement) next.announcement = announcement;
      return next;
    });
  };

  const schedule = () => {
    if (cancelFrame || !loaded || disposed) return;
    cancelFrame = scheduler.request(flush);
  };

  store.setState({ bridge, load: { phase: 'loading' } });

  const unsubscribers = [
    bridge.on('app:patch', (patch) => {
      pendingPatch = pendingPatch ? mergePatches(pendingPatch, patch) : patch;
      schedule();
    }),
    bridge.on('connection:state', (change) => {
      connectionOps.push({ kind: 'state', change });
      schedule();
    }),
    bridge.on('connection:diagnostics', (list) => {
      // A full snapshot supersedes the diagnostics queued before it (health pushes stay).
      connectionOps = [
        ...connectionOps.filter((op) => op.kind === 'health'),
        { kind: 'diagnostics', list },
      ];
      schedule();
    }),
    bridge.on('connection:health', (health) => {
      connectionOps.push({ kind: 'health', health });
      schedule();
    }),
    bridge.on('endpoints:changed', (list) => store.getState().setEndpoints(list)),
    bridge.on('prefs:changed', (prefs) => store.getState().setPrefsLocal(prefs)),
    bridge.on('settings:changed', (settings) => store.getState().setSettingsLocal(settings)),
    bridge.on('app:navigate', ({ link }) => store.getState().navigate(link)),
    bridge.on('notifications:health', (health) => store.setState({ notificationHealth: health })),
    bridge.on('app:update', (update) => store.setState({ update })),
    bridge.on('app:recovered', (recovered) => store.setState({ recovered })),
    bridge.on('storage:problems', (problems) => store.setState({ storageProblems: problems })),
  ];
  bridge.send('app:ready', {});

  bridge.invoke('app:initial-state', {}).then(
    (initial) => {
      if (disposed) return;
      store.setState({
        ...modelFields(initial.app),
        connections: byEndpoint(initial.connections),
        health: byEndpoint(initial.health),
        endpoints: initial.endpoints,
        prefs: initial.prefs,
        settings: initial.settings,
        host: initial.host,
        configProblems: initial.configProblems,
        notificationHealth: initial.notificationHealth,
        storageProblems: initial.storageProblems,
        load: { phase: 'ready' },
      });
      loaded = true;
      // Anything pushed while the snapshot was in flight goes on top of it, next frame.
      if (pendingPatch || connectionOps.length > 0) schedule();
      bridge.send('app:view', viewReport(store.getState()));
    },
    (err: unknown) => {
      if (disposed) return;
      store.setState({
        load: {
          phase: 'error',
          message: err instanceof Error ? err.message : String(err),
        },
      });
    },
  );

  const unwatchView = store.subscribe((state, prev) => {
    if (!loaded) return;
    if (
      state.route.view !== prev.route.view ||
      state.route.param !== prev.route.param ||
      state.focused !== prev.focused
    ) {
      bridge.send('app:view', viewReport(state));
    }
  });

  return () => {
    disposed = true;
    cancelFrame?.();
    cancelFrame = null;
    unwatchView();
    for (const off of unsubscribers) off();
    if (store.getState().bridge === bridge) store.setState({ bridge: null });
  };
}
