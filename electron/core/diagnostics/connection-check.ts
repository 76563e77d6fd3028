import type { ConnectionCheckReport } from '../../../shared/model/diagnostics';
import type { ConnectionCheckOptions } from './connection-check/check-step';
import { runSteps } from './connection-check/runner';

export type { ConnectionCheckOptions } from './connection-check/check-step';

/**
 * "Run connection check": walks DNS → TCP → upgrade → auth → subscribe → round trip → delivery
 * with a throwaway socket and says, in plain words, where it fails and what to do. One file per
 * step in `connection-check/`, run in order by `runner.ts`. Never throws.
 */
export function runConnectionCheck(
  options: ConnectionCheckOptions,
): Promise<ConnectionCheckReport> {
  return runSteps(options);
}
