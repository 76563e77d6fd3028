/** The rotating, redacted log file the user can open from the app. */
import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../kernel/ports';
import type { Redactor } from '../kernel/redact';

export interface RotatingLogFileOptions {
  dir: string;
  /** Files are `<baseName>.log`, `<baseName>.1.log` … (newest to oldest). */
  baseName?: string;
  /** Rotate when the current file would grow past this many bytes. */
  maxBytes?: number;
  /** Files kept in all, the current one included. */
  keep?: number;
  /** Every line passes through it: secrets never reach the disk. */
  redactor: Redactor;
  now?: () => number;
}

/** Up to the last `bytes` of a file, or null when it cannot be read. */
function readTail(path: string, bytes: number): string | null {
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    const length = Math.min(size, bytes);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    return buffer.toString('utf8');
  } catch {
    return null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** Longest line written; a runaway field must not fill the log on its own. */
const MAX_LINE = 16_384;

/**
 * The `Logger` port as a rotating file of JSON lines, redacted. Writes are synchronous so the
 * last lines before a crash are on disk; a failing disk never throws into the caller (lines are
 * counted as dropped instead).
 */
export class RotatingLogFile implements Logger {
  private fd: number | null = null;
  private size = 0;
  private readonly baseName: string;
  private readonly maxBytes: number;
  private readonly keep: number;
  private readonly now: () => number;
  /** Lines that could not be written (disk full, permissions). */
  droppedLines = 0;
  lastError: string | null = null;

  constructor(private readonly options: RotatingLogFileOptions) {
    this.baseName = options.baseName ?? 'lookout';
    this.maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
    this.keep = Math.max(1, options.keep ?? 5);
    this.now = options.now ?? Date.now;
  }

  /** Path of the file being written. */
  get currentPath(): string {
    return this.pathOf(0);
  }

  info(message: string, fields?: Record<string, unknown>): void {
    this.write('info', message, fields);
  }

  warn(message: string, fields?: Record<string, unknown>): void {
    this.write('warn', message, fields);
  }

  error(message: string, fields?: Record<string, unknown>): void {
    this.write('error', message, fields);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  /**
   * The last `maxBytes` of the log (from the previous file too when the current one is shorter),
   * whole lines only, for the support bundle. Already redacted on the way in. Never throws: an
   * unreadable file gives what could be read.
   */
  tail(maxBytes: number): { text: string; bytes: number } {
    const parts: string[] = [];
    let left = maxBytes;
    for (let i = 0; i < this.keep && left > 0; i += 1) {
      const chunk = readTail(this.pathOf(i), left);
      if (chunk === null) break;
      parts.unshift(chunk);
      left -= Buffer.byteLength(chunk);
    }
    const joined = parts.join('');
    // Whole lines: the first may have been cut by the byte limit.
    const text =
      Buffer.byteLength(joined) >= maxBytes ? joined.slice(joined.indexOf('\n') + 1) : joined;
    return { text, bytes: Buffer.byteLength(text) };
  }

  private write(
    level: 'info' | 'warn' | 'error',
    message: string,
    fields?: Record<string, unknown>,
  ): void {
    const line = `${this.format(level, message, fields)}\n`;
    const bytes = Buffer.byteLength(line);
    try {
      if (this.fd === null) this.open();
      if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate();
      writeSync(this.fd as number, line);
      this.size += bytes;
    } catch (error) {
      this.droppedLines += 1;
      this.lastError = (error as Error).message;
      // Reopen next time: the fd may be the problem (file removed, disk remounted).
      try {
        this.close();
      } catch {
        this.fd = null;
      }
    }
  }

  private format(level: string, message: string, fields?: Record<string, unknown>): string {
    const { redactor } = this.options;
    let line: string;
    try {
      const safeFields = fields ? (redactor.value(plain(fields)) as Record<string, unknown>) : {};
      line = JSON.stringify({
        t: new Date(this.now()).toISOString(),
        level,
        msg: redactor.text(message),
        ...safeFields,
      });
    } catch (error) {
      line = JSON.stringify({
        t: new Date(this.now()).toISOString(),
        level,
        msg: redactor.text(message),
        logError: `fields could not be serialised: ${(error as Error).message}`,
      });
    }
    // Second pass over the finished line: a secret split across keys or nested oddly is still caught.
    line = redactor.text(line);
    return line.length > MAX_LINE
      ? JSON.stringify({
          t: new Date(this.now()).toISOString(),
          level,
          truncated: line.slice(0, MAX_LINE - 200),
        })
      : line;
  }

  private open(): void {
    mkdirSync(this.options.dir, { recursive: true });
    this.fd = openSync(this.pathOf(0), 'a', 0o600);
    this.size = fstatSync(this.fd).size;
  }

  private rotate(): void {
    this.close();
    const oldest = this.pathOf(this.keep - 1);
    if (existsSync(oldest)) rmSync(oldest, { force: true });
    for (let i = this.keep - 2; i >= 0; i -= 1) {
      if (existsSync(this.pathOf(i))) renameSync(this.pathOf(i), this.pathOf(i + 1));
    }
    this.open();
  }

  private pathOf(index: number): string {
    return join(
      this.options.dir,
      index === 0 ? `${this.baseName}.log` : `${this.baseName}.${index}.log`,
    );
  }
}

/** Errors, bigints and cycles turned into JSON-safe values before redaction. */
function plain(value: unknown, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error)
    return { name: value.name, message: value.message, stack: value.stack };
  if (value && typeof value === 'object') {
    if (seen.has(value)) return '[circular]';
    seen.add(value);
    if (Array.isArray(value)) return value.map((v) => plain(v, seen));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = plain(v, seen);
    return out;
  }
  return value;
}
