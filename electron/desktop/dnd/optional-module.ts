/**
 * Loading a package the desktop app can do without: the native add-ons that read macOS's Focus
 * and Windows' Focus Assist exist only in builds for those OSes, and a build without one (or one
 * compiled for another architecture) must say so in Settings instead of failing.
 */

/** Requires a package by name (`main.ts` passes Node's `require`; tests pass fakes). */
export type ModuleLoader = (name: string) => unknown;

/** A package, or why it is not there, in words for Settings. */
export type OptionalModule<T> = { ok: true; module: T } | { ok: false; reason: string };

/**
 * Loads `name` on first use and remembers the outcome (a native add-on is loaded once per
 * process; retrying a broken one every poll would only repeat the error). Never throws.
 */
export function optionalModule<T>(
  name: string,
  load: ModuleLoader,
  /** Tells a loaded module of the expected shape from anything else. */
  isShaped: (module: unknown) => module is T,
): () => OptionalModule<T> {
  let outcome: OptionalModule<T> | null = null;
  return () => {
    outcome ??= attempt(name, load, isShaped);
    return outcome;
  };
}

function attempt<T>(
  name: string,
  load: ModuleLoader,
  isShaped: (module: unknown) => module is T,
): OptionalModule<T> {
  try {
    const module = load(name);
    if (!isShaped(module)) {
      return { ok: false, reason: `${name} does not offer the functions Lookout reads.` };
    }
    return { ok: true, module };
  } catch (error) {
    if (isNotFound(error, name)) {
      return { ok: false, reason: `${name} is not installed in this build of Lookout.` };
    }
    return { ok: false, reason: `${name} could not be loaded: ${messageOf(error)}` };
  }
}

/** Node's "Cannot find module" for this package itself (not for something it requires). */
function isNotFound(error: unknown, name: string): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { code?: unknown }).code === 'MODULE_NOT_FOUND' &&
    messageOf(error).includes(`'${name}'`)
  );
}

/** An error's message on one line, whatever was thrown. */
export function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.trim();
}

/** True when `value` has a function at each of `keys`. */
export function hasFunctions(value: unknown, ...keys: string[]): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    keys.every((k) => typeof (value as Record<string, unknown>)[k] === 'function')
  );
}
