/**
 * Opens an AppImage built by the packaging check: a runtime followed by a squashfs image. Here the
 * runtime is our placeholder (electron-builder downloads the real one where releases are built), so
 * the check reads the image that follows it: its compression (zstd is the static-runtime
 * toolset's; the legacy FUSE 2 toolset uses gzip or xz) and the AppDir it holds.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { PLACEHOLDER_RUNTIME_MARK } from './stub-tools';

export interface AppImageInfo {
  file: string;
  /** Where the squashfs image starts (the runtime's length). */
  offset: number;
  compression: string | null;
  /** Paths in the image, relative to its root. */
  files: string[];
  desktopEntry: string;
}

function unsquashfs(args: string[]): string {
  const r = spawnSync('unsquashfs', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error)
    throw new Error(`unsquashfs could not run (${r.error.message}): apt install squashfs-tools`);
  if (r.status !== 0) throw new Error(`unsquashfs ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

export function inspectAppImage(file: string, executable: string): AppImageInfo {
  const bytes = readFileSync(file);
  const offset = bytes.indexOf('hsqs', 0, 'ascii');
  if (offset < 0) throw new Error(`${file} holds no squashfs image`);
  const at = ['-o', String(offset)];
  const stats = unsquashfs([...at, '-s', file]);
  const compression = /Compression (\w+)/.exec(stats)?.[1] ?? null;
  const files = unsquashfs([...at, '-lc', '-d', '', file])
    .split('\n')
    .map((line) => line.trim().replace(/^\//, ''))
    .filter(Boolean);
  const desktopEntry = unsquashfs([...at, '-cat', file, `${executable}.desktop`]);
  return { file, offset, compression, files, desktopEntry };
}

export function checkAppImage(info: AppImageInfo, executable: string): string[] {
  const problems: string[] = [];
  const where = `${info.file.split('/').pop()}:`;
  const head = readFileSync(info.file).subarray(0, PLACEHOLDER_RUNTIME_MARK.length).toString();
  if (head !== PLACEHOLDER_RUNTIME_MARK)
    problems.push(`${where} does not start with the runtime electron-builder was given`);
  if (info.compression !== 'zstd')
    problems.push(
      `${where} compressed with ${info.compression}, not zstd: not the static-runtime toolset`,
    );
  for (const path of ['AppRun', `${executable}.desktop`, executable, 'resources/app.asar']) {
    if (!info.files.includes(path)) problems.push(`${where} the image lacks ${path}`);
  }
  if (!info.files.some((p) => /^usr\/share\/icons\/hicolor\/\d+x\d+\/apps\/.+\.png$/.test(p)))
    problems.push(`${where} the image has no hicolor icons`);
  if (!/^Exec=AppRun/m.test(info.desktopEntry))
    problems.push(`${where} the desktop entry does not start AppRun`);
  return problems;
}
