import { silentLogger, type Logger } from './ports';
import type { Redactor } from './redact';

/** One logger writing to two: the redacted file and the host's own (console, Electron log), redacted too. */
export function teeLogger(file: Logger, host: Logger, redactor: Redactor): Logger {
  const both =
    (level: keyof Logger) =>
    (message: string, fields?: Record<string, unknown>): void => {
      file[level](message, fields);
      if (host !== silentLogger)
        host[level](
          redactor.text(message),
          fields ? (redactor.value(fields) as Record<string, unknown>) : undefined,
        );
    };
  return { info: both('info'), warn: both('warn'), error: both('error') };
}
