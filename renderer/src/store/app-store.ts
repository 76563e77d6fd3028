import { createStore, type StoreApi } from 'zustand/vanilla';
import type { LookoutBridge } from '../../../shared/ipc/contract';
import { createConnectionsSlice, type ConnectionsSlice } from './connections-slice';
import {
  createBusinessesSlice,
  createStatsSlice,
  createTasksSlice,
  type BusinessesSlice,
  type StatsSlice,
  type TasksSlice,
} from './live-data-slice';
import { createNotificationsSlice, type NotificationsSlice } from './notifications-slice';
import { createSettingsSlice, type SettingsSlice } from './settings-slice';
import { createUiSlice, type UiSlice } from './ui-slice';

/** The bridge slot: set by `bindBridge`, read by slice actions that talk to main. */
export interface BridgeSlot {
  bridge: LookoutBridge | null;
}

/** The whole renderer state: the union of the feature slices. */
export type AppState = NotificationsSlice &
  BusinessesSlice &
  StatsSlice &
  TasksSlice &
  ConnectionsSlice &
  SettingsSlice &
  UiSlice &
  BridgeSlot;

export type AppStore = StoreApi<AppState>;

/** A fresh store (one per window, one per test). */
export function createAppStore(init: Partial<Pick<AppState, 'demo'>> = {}): AppStore {
  return createStore<AppState>()((...a) => ({
    ...createNotificationsSlice(...a),
    ...createBusinessesSlice(...a),
    ...createStatsSlice(...a),
    ...createTasksSlice(...a),
    ...createConnectionsSlice(...a),
    ...createSettingsSlice(...a),
    ...createUiSlice(...a),
    bridge: null,
    ...init,
  }));
}
