import { writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { app, dialog, type BrowserWindow, type SaveDialogOptions } from 'electron';

/** File types the save dialog offers, by extension. */
const FILTERS: Record<string, SaveDialogOptions['filters']> = {
  '.json': [{ name: 'JSON', extensions: ['json'] }],
  '.jsonl': [{ name: 'JSON lines', extensions: ['jsonl'] }],
};

/**
 * The desktop host's `saveFile` port: the OS save dialog (a sheet on the window when there is
 * one), proposing the Downloads folder, then the file written readable by the user only (it
 * holds no secrets, but it is about their systems). Null when the user cancelled.
 */
export async function saveWithDialog(
  parent: BrowserWindow | null,
  suggestedName: string,
  text: string,
): Promise<string | null> {
  const options: SaveDialogOptions = {
    title: 'Save from Lookout',
    defaultPath: join(app.getPath('downloads'), suggestedName),
    filters: [...(FILTERS[extname(suggestedName)] ?? []), { name: 'All files', extensions: ['*'] }],
    properties: ['createDirectory', 'showOverwriteConfirmation'],
  };
  const result = parent
    ? await dialog.showSaveDialog(parent, options)
    : await dialog.showSaveDialog(options);
  if (result.canceled || !result.filePath) return null;
  await writeFile(result.filePath, text, { mode: 0o600 });
  return result.filePath;
}
