import type { StateCreator } from 'zustand';
import type { AppState } from './app-store';

/** A feature slice of the one app store: it sees (and may call) the whole state. */
export type SliceCreator<T> = StateCreator<AppState, [], [], T>;
