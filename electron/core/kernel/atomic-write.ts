import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Write a file so that a crash at any instant leaves either the old complete file or the new
 * complete one: temp file next to it, fsync, rename over, fsync the directory.
 */
export async function writeFileAtomic(target: string, data: string, mode = 0o600): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const temp = `${target}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    const file = await open(temp, 'w', mode);
    try {
      await file.writeFile(data, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, target);
    await syncDirectory(dirname(target));
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
}

/** Make a rename durable. Directories cannot be opened for sync on Windows: skip there. */
export async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
