import { expect, type Page, type TestInfo } from '@playwright/test';
import path from 'node:path';

export function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the e2e suite through \`cargo test -p homeroom-tests --test all console_e2e\``);
  return v;
}

/** Signs in through the "API token" field of the sign-in page. */
export async function signInWithToken(page: Page, token: string) {
  await page.goto('/');
  await expect(page).toHaveURL(/\/signin$/);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Use token' }).click();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
}

/** Saves a screenshot of a main page for the README (E2E_SCREENSHOTS, else the test output). */
export async function screenshot(page: Page, info: TestInfo, name: string) {
  const dir = process.env.E2E_SCREENSHOTS ?? info.outputDir;
  const backend = process.env.E2E_BACKEND ?? 'sqlite';
  await page.screenshot({ path: path.join(dir, `${name}-${backend}.png`), fullPage: false });
}

/** Fails the test on any console error or uncaught exception of the page. */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return problems;
}

/** Asks the API directly (to check what the page shows against the source of truth). */
export async function graphql<T>(page: Page, token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const r = await page.request.post('/graphql', {
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    data: { query, variables },
  });
  const body = await r.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data as T;
}
