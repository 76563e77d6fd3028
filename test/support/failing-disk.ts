import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rename, rm, writeFile, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/**
 * A data folder whose disk can be made to fail and recover, for real, while an app writes to it.
 * - Where this machine lets us mount (root, as on CI): a 1 MiB tmpfs that `fail()` fills to the
 *   last byte, so writes meet a real ENOSPC: the full disk users hit.
 * - Elsewhere: the folder is moved away and a plain file takes its place, so every write below it
 *   meets a real ENOTDIR (no root trick, nothing mocked).
 * `recover()` undoes either. `mode` says which one ran.
 */
export class FailingDisk {
  private filler: string | null = null;
  private constructor(
    private readonly root: string,
    /** The app's data folder. */
    readonly dir: string,
    readonly mode: 'full-tmpfs' | 'folder-replaced-by-file',
  ) {}

  static async create(): Promise<FailingDisk> {
    const root = await mkdtemp(join(tmpdir(), 'lookout-disk-'));
    const mnt = join(root, 'mnt');
    await mkdir(mnt);
    try {
      await exec('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0700', 'lookout-test', mnt]);
      const dir = join(mnt, 'data');
      await mkdir(dir);
      return new FailingDisk(root, dir, 'full-tmpfs');
    } catch {
      const dir = join(root, 'data');
      await mkdir(dir);
      return new FailingDisk(root, dir, 'folder-replaced-by-file');
    }
  }

  async fail(): Promise<void> {
    if (this.mode === 'full-tmpfs') {
      this.filler = join(this.root, 'mnt', 'filler');
      const file = await open(this.filler, 'w');
      try {
        // Bounded: 1 MiB takes at most 16 writes per size before each fails.
        for (const size of [65_536, 4_096, 256, 16, 1]) {
          const chunk = Buffer.alloc(size, 120);
          try {
            for (let i = 0; i < 32; i++) await file.write(chunk);
          } catch {
            // Full at this size: go on with smaller pieces.
          }
        }
      } finally {
        await file.close();
      }
      return;
    }
    await rename(this.dir, `${this.dir}.away`);
    await writeFile(this.dir, 'this is a file where the data folder was\n');
  }

  async recover(): Promise<void> {
    if (this.mode === 'full-tmpfs') {
      if (this.filler) await rm(this.filler, { force: true });
      this.filler = null;
      return;
    }
    await rm(this.dir, { force: true });
    await rename(`${this.dir}.away`, this.dir);
  }

  async dispose(): Promise<void> {
    if (this.mode === 'full-tmpfs') await exec('umount', [join(this.root, 'mnt')]).catch(() => {});
    await rm(this.root, { recursive: true, force: true });
  }
}
