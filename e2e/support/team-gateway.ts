import { expect, type Locator, type Page } from '@playwright/test';

/**
 * The endpoint most specs sign in to: a real demo gateway started by the spec on `port`, reached
 * with the password sign-in a super admin uses, its dashboard and stats channels, and a short
 * backoff so a restarted gateway is found again within a test's patience.
 */
export function teamGatewayEndpoint(port: number): Record<string, unknown> {
  return {
    id: 'gw',
    name: 'Team gateway',
    dialect: 'lookout',
    url: `ws://127.0.0.1:${port}/ws`,
    auth: {
      method: 'password-jwt',
      username: 'admin@lookout.local',
      credentialRef: 'team-gw',
      loginUrl: `http://127.0.0.1:${port}/auth/login`,
      refreshUrl: `http://127.0.0.1:${port}/auth/refresh`,
    },
    subscriptions: ['dashboard', 'stats'],
    backoff: { minMs: 200, maxMs: 1_000, factor: 2, stableAfterMs: 2_000 },
  };
}

/** The demo gateway's password, as the README gives it to a new user. */
export const TEAM_GATEWAY_PASSWORD = 'lookout-demo';

/** The team gateway's row in the Diagnostics health table. */
export function teamGatewayRow(page: Page): Locator {
  return page.locator('table tr').filter({ hasText: 'Team gateway' });
}

/** The team gateway's "sign-in needed" banner. */
export function teamGatewayBanner(page: Page): Locator {
  return page.getByRole('alert').filter({ hasText: 'Team gateway' });
}

/** Signs in as a user does, from the banner's button and the dialog, and waits for Connected. */
export async function signInFromBanner(page: Page): Promise<void> {
  await teamGatewayBanner(page).getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel(/password|token/i).fill(TEAM_GATEWAY_PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).last().click();
  await expect(teamGatewayRow(page)).toContainText('Connected', { timeout: 20_000 });
}
