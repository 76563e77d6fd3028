import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { arch, platform, release } from 'node:os';
import { join } from 'node:path';

/** One crash or hang of a Lookout process, as written to `<logs>/crash-reports/*.json`. */
export interface CrashReport {
  /** Which process: the window's renderer, or another Chromium child (GPU, utility). */
  process: string;
  /** `crashed` (the process died) or `hung` (it stopped responding and was restarted). */
  cause: 'crashed' | 'hung';
  /** Electron's reason (`crashed`, `oom`, `killed`, `launch-failed`, …). */
  reason: string;
  exitCode: number | null;
  at: number;
  /** What Lookout did about it (`reloaded`, `not reloaded: …`). */
  action: string;
  /** Reloads of the window in the last minute, this one included. */
  reloadsInLastMinute: number;
}

/** Folder of the crash reports inside the logs folder; Electron's minidumps go next to it. */
export const CRASH_REPORTS_DIR = 'crash-reports';
/** Reports kept; older ones are removed so a crash loop cannot fill the disk. */
const KEEP = 50;

/**
 * Writes a crash report as JSON (what happened, what was done, versions and platform: never any
 * user data) and returns its path, or null when it could not be written (the caller logs it).
 */
/** Versions named in a report. */
export interface CrashReportVersions {
  app: string;
  electron?: string;
  chrome?: string;
}

export function writeCrashReport(
  logsDir: string,
  report: CrashReport,
  versions: CrashReportVersions = { app: 'unknown' },
): string | null {
  const dir = join(logsDir, CRASH_REPORTS_DIR);
  const stamp = new Date(report.at).toISOString().replace(/[:.]/g, '-');
  // Time first: names sort in the order the reports were written (pruning keeps the newest).
  const file = join(dir, `${stamp}-${report.process}.json`);
  try {
    mkdirSync(dir, { recursive: true });
    const body = {
      ...report,
      atIso: new Date(report.at).toISOString(),
      versions: { ...versions, node: process.versions.node },
      platform: { os: platform(), release: release(), arch: arch() },
    };
    writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
    const reports = readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .sort();
    for (const old of reports.slice(0, Math.max(0, reports.length - KEEP)))
      rmSync(join(dir, old), { force: true });
    return file;
  } catch {
    return null;
  }
}
