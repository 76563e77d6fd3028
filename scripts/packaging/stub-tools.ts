/**
 * What electron-builder would download, made locally for the packaging check: a stub Electron
 * dist (the binary cannot be obtained here), fpm replaced by `fpm-deb.ts` (dpkg-deb), and the
 * AppImage toolset assembled from Debian's squashfs-tools and desktop-file-utils with a placeholder
 * for the runtime (the small ELF that mounts the image; it comes from GitHub on users' machines).
 */
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Electron's fuse sentinel (@electron/fuses) followed by wire version 1 and 8 fuses. */
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron 45's default wire: RunAsNode, NodeOptions, Inspect and GrantFile on; the rest off. */
const DEFAULT_WIRE = '10110001';

/** First bytes of the placeholder AppImage runtime, so a check can tell it from a real one. */
export const PLACEHOLDER_RUNTIME_MARK =
  '#!/bin/sh\n# lookout packaging check: placeholder AppImage runtime';

/** A directory that looks enough like Electron's linux dist for electron-builder (any arch). */
export function makeStubElectronDist(dir: string, version: string): void {
  mkdirSync(dir, { recursive: true });
  const wire = Buffer.concat([
    Buffer.from(`#!/bin/sh\necho "stub electron: no binary on this machine" >&2\nexit 1\n# `),
    Buffer.from(FUSE_SENTINEL, 'ascii'),
    Buffer.from([1, DEFAULT_WIRE.length]),
    Buffer.from(DEFAULT_WIRE, 'ascii'),
    Buffer.from('\n'),
  ]);
  writeFileSync(join(dir, 'electron'), wire);
  chmodSync(join(dir, 'electron'), 0o755);
  writeFileSync(join(dir, 'version'), version);
  writeFileSync(join(dir, 'LICENSE'), 'MIT (stub)\n');
  writeFileSync(join(dir, 'LICENSES.chromium.html'), '<html></html>\n');
  mkdirSync(join(dir, 'resources'), { recursive: true });
  mkdirSync(join(dir, 'locales'), { recursive: true });
  writeFileSync(join(dir, 'locales', 'en-US.pak'), '');
}

/** An executable that runs `scripts/fpm-deb.ts` with this Node and tsx: `CUSTOM_FPM_PATH`. */
export function makeFpmShim(file: string, script: string): void {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;
  writeFileSync(file, `#!/bin/sh\nexec '${process.execPath}' --import '${tsx}' '${script}' "$@"\n`);
  chmodSync(file, 0o755);
}

/**
 * The static-runtime AppImage toolset layout electron-builder 26 expects (`APPIMAGE_TOOLS_PATH`):
 * `mksquashfs`, `desktop-file-validate`, `runtimes/runtime-<arch>`, `lib/<arch>/`. The legacy
 * FUSE 2 toolset has another layout, so a config that fell back to it fails here.
 */
export function makeAppImageTools(dir: string, archs: readonly string[]): void {
  mkdirSync(join(dir, 'runtimes'), { recursive: true });
  symlinkSync('/usr/bin/mksquashfs', join(dir, 'mksquashfs'));
  symlinkSync('/usr/bin/desktop-file-validate', join(dir, 'desktop-file-validate'));
  for (const arch of archs) {
    writeFileSync(
      join(dir, 'runtimes', `runtime-${arch}`),
      `${PLACEHOLDER_RUNTIME_MARK} (${arch}): the real runtime is downloaded on machines that build releases.\nexit 1\n`,
    );
    mkdirSync(join(dir, 'lib', arch), { recursive: true });
  }
}
