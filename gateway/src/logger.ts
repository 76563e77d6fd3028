/** The gateway's structured logger. Callers never pass tokens, passwords or API keys in `fields`. */
export interface GatewayLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** JSON lines on stderr, one per entry. */
export const consoleLogger: GatewayLogger = {
  info: (message, fields) => write('info', message, fields),
  warn: (message, fields) => write('warn', message, fields),
  error: (message, fields) => write('error', message, fields),
};

export const silentGatewayLogger: GatewayLogger = {
  info: () => {},
  warn: () => {},
  error: () => {},
};

function write(level: string, message: string, fields?: Record<string, unknown>): void {
  process.stderr.write(
    `${JSON.stringify({ t: new Date().toISOString(), level, message, ...fields })}\n`,
  );
}
