import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadBridge } from './preload-bridge';

/**
 * The sandboxed preload: exposes `window.lookout` (the contract's bridge) and nothing else.
 * Bundled into one file (`dist/desktop/preload.cjs`) because a sandboxed preload cannot require
 * project modules.
 */
contextBridge.exposeInMainWorld('lookout', createPreloadBridge(ipcRenderer));
