import { join } from 'node:path';
import type { Configuration } from 'app-builder-lib';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { DebugLogger } from 'builder-util';

const root = join(import.meta.dirname, '..', '..');

/** `electron-builder.yml` as electron-builder itself loads and validates it (its schema). */
export async function builderConfig(): Promise<Configuration> {
  const config = await getConfig(root, null, null);
  await validateConfiguration(config, new DebugLogger(false));
  return config;
}
