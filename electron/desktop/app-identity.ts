/**
 * The app's identity, shared by the host and the packaging config (`electron-builder.yml` `appId`
 * must equal `APP_ID`; the packaging test checks it). Windows only shows notifications for an app
 * whose AppUserModelID matches its Start-menu shortcut, which the NSIS installer creates from appId.
 */
export const APP_ID = 'dev.lookout.console';
export const PRODUCT_NAME = 'Lookout';
