import type {
  AppLimits,
  BusinessItem,
  EndpointLive,
  ReservationItem,
  TaskItem,
} from '../../../shared/model/app-state';
import type { SaveResult } from '../../../shared/ipc/contract';
import { EMPTY_MODEL } from './model-sync';
import type { SliceCreator } from './slice-types';

/** Live businesses and reservations (most recent first). */
export interface BusinessesSlice {
  businesses: BusinessItem[];
  reservations: ReservationItem[];
}

export const createBusinessesSlice: SliceCreator<BusinessesSlice> = () => ({
  businesses: EMPTY_MODEL.businesses,
  reservations: EMPTY_MODEL.reservations,
});

/** Live stats per endpoint and the model's limits. */
export interface StatsSlice {
  limits: AppLimits;
  /** Live figures per endpoint id (stats history, unread counters, site status). */
  live: Record<string, EndpointLive>;
  /** Endpoint the stats view shows, or null for the first with data. */
  statsEndpoint: string | null;
  setStatsEndpoint(id: string | null): void;
}

export const createStatsSlice: SliceCreator<StatsSlice> = (set) => ({
  limits: EMPTY_MODEL.limits,
  live: EMPTY_MODEL.live,
  statsEndpoint: null,
  setStatsEndpoint: (id) => set({ statsEndpoint: id }),
});

/** Tasks with progress; watching task ids on backends that subscribe by id. */
export interface TasksSlice {
  tasks: TaskItem[];
  watchTask(endpoint: string, taskId: string): Promise<SaveResult>;
  unwatchTask(endpoint: string, taskId: string): Promise<SaveResult>;
}

const NO_BRIDGE: SaveResult = { ok: false, errors: ['Not connected to the Lookout core yet.'] };

export const createTasksSlice: SliceCreator<TasksSlice> = (_set, get) => ({
  tasks: EMPTY_MODEL.tasks,
  watchTask: async (endpoint, taskId) => {
    const bridge = get().bridge;
    return bridge ? bridge.invoke('tasks:watch', { endpoint, taskId }) : NO_BRIDGE;
  },
  unwatchTask: async (endpoint, taskId) => {
    const bridge = get().bridge;
    return bridge ? bridge.invoke('tasks:unwatch', { endpoint, taskId }) : NO_BRIDGE;
  },
});
