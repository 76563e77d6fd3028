/**
 * Reads a built `.deb` with Debian's own tools and checks what a user's apt and desktop will see:
 * the control data (dependencies above all: a missing library means Electron does not start on a
 * minimal system), the file layout, the maintainer scripts and the desktop entry.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What electron-builder itself would write in `Depends` (app-builder-lib's FpmTarget source). */
export function electronBuilderDefaultDebDepends(): string[] {
  const file = createRequire(import.meta.url).resolve('app-builder-lib/out/targets/FpmTarget.js');
  const source = readFileSync(file, 'utf8');
  const match = /case "deb":\s*return (\[[^\]]*\]);/.exec(source);
  if (!match) throw new Error(`cannot find the default deb depends in ${file}`);
  return JSON.parse(match[1]!) as string[];
}

/** Libraries Electron 45 links against that electron-builder's list does not pull in. */
export const OUR_DEB_DEPENDS = ['libasound2', 'libgbm1'];

export interface DebInfo {
  file: string;
  control: Record<string, string>;
  depends: string[];
  /** Paths in the data archive, without the leading `./`. */
  files: string[];
  postinst: string;
  postrm: string;
  desktopEntry: string;
}

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.error?.message || r.status}`);
  }
  return r.stdout;
}

/** Parses a Debian control file (continuation lines start with a space). */
export function parseControl(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  let last: string | null = null;
  for (const line of text.split('\n')) {
    if (/^\s/.test(line) && last) fields[last] += `\n${line.slice(1)}`;
    else {
      const m = /^([A-Za-z0-9-]+):\s?(.*)$/.exec(line);
      if (m) {
        last = m[1]!;
        fields[last] = m[2]!;
      }
    }
  }
  return fields;
}

/** Opens the package: control data, file list, maintainer scripts and the desktop entry. */
export function inspectDeb(file: string, executable: string): DebInfo {
  const control = parseControl(run('dpkg-deb', ['--field', file]));
  const files = run('dpkg-deb', ['--contents', file])
    .split('\n')
    .map((line) => /\s\.\/(\S.*?)(?: -> .*)?$/.exec(line)?.[1])
    .filter((p): p is string => Boolean(p))
    .map((p) => p.replace(/\/$/, ''));
  const dir = mkdtempSync(join(tmpdir(), 'lookout-deb-inspect-'));
  try {
    run('dpkg-deb', ['--control', file, join(dir, 'DEBIAN')]);
    run('dpkg-deb', ['--extract', file, join(dir, 'root')]);
    const read = (p: string): string => {
      try {
        return readFileSync(join(dir, p), 'utf8');
      } catch {
        return '';
      }
    };
    return {
      file,
      control,
      depends: (control.Depends ?? '')
        .split(',')
        .map((d) => d.trim())
        .filter(Boolean),
      files,
      postinst: read('DEBIAN/postinst'),
      postrm: read('DEBIAN/postrm'),
      desktopEntry: read(`root/usr/share/applications/${executable}.desktop`),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Checks one package against what the config promises; returns the problems found. */
export function checkDeb(
  deb: DebInfo,
  expected: { name: string; version: string; arch: string; productDir: string; executable: string },
): string[] {
  const problems: string[] = [];
  const where = `${deb.file.split('/').pop()}:`;
  const want: Record<string, string> = {
    Package: expected.name,
    Version: expected.version,
    Architecture: expected.arch,
  };
  for (const [field, value] of Object.entries(want)) {
    if (deb.control[field] !== value)
      problems.push(`${where} ${field} is ${deb.control[field] ?? '(none)'}, want ${value}`);
  }
  for (const field of ['Maintainer', 'Homepage', 'Description', 'Installed-Size']) {
    if (!deb.control[field]) problems.push(`${where} no ${field} in the control data`);
  }
  for (const dep of [...electronBuilderDefaultDebDepends(), ...OUR_DEB_DEPENDS]) {
    if (!deb.depends.includes(dep)) problems.push(`${where} Depends lacks ${dep}`);
  }
  const opt = `opt/${expected.productDir}`;
  for (const path of [
    `${opt}/${expected.executable}`,
    `${opt}/resources/app.asar`,
    `usr/share/applications/${expected.executable}.desktop`,
    `usr/share/icons/hicolor/256x256/apps/${expected.executable}.png`,
  ]) {
    if (!deb.files.includes(path)) problems.push(`${where} does not install /${path}`);
  }
  if (!deb.postinst.includes(`/opt/${expected.productDir}/${expected.executable}`))
    problems.push(`${where} postinst does not link /usr/bin/${expected.executable}`);
  if (!deb.postrm.includes(`/usr/bin/${expected.executable}`) && !deb.postrm.includes('--remove'))
    problems.push(`${where} postrm does not remove the /usr/bin link`);
  const exec = /^Exec=(.*)$/m.exec(deb.desktopEntry)?.[1] ?? '';
  if (!exec.includes(`/opt/${expected.productDir}/${expected.executable}`))
    problems.push(`${where} the desktop entry's Exec (${exec || 'none'}) does not start the app`);
  return problems;
}

/** `desktop-file-validate` on a desktop entry's text: the problems it reports, or none. */
export function validateDesktopEntry(text: string, label: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-desktop-'));
  try {
    const file = join(dir, 'lookout.desktop');
    writeFileSync(file, text);
    const r = spawnSync('desktop-file-validate', [file], { encoding: 'utf8' });
    if (r.error)
      return [
        `desktop-file-validate could not run (${r.error.message}): apt install desktop-file-utils`,
      ];
    const out = `${r.stdout}${r.stderr}`.trim();
    return r.status === 0 && !/error/i.test(out) ? [] : [`${label}: desktop-file-validate: ${out}`];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
