import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { env, graphql, screenshot, signInWithToken, watchConsole } from './helpers';

test('an admin finds unclaimed classes, claims one for a teacher, syncs, reads the report and confirms a hold', async ({ page }, info) => {
  const problems = watchConsole(page);
  const admin = env('E2E_ADMIN_TOKEN');

  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Sign in to Homeroom' })).toBeVisible();
  await expect(page.getByLabel('Email')).toBeVisible();
  await expect(page.getByLabel('Password', { exact: true })).toBeVisible();
  await screenshot(page, info, 'signin');
  await signInWithToken(page, admin);

  // Navigation of a district admin, named exactly.
  const nav = page.getByRole('navigation', { name: 'Main' });
  for (const name of ['Classes', 'People', 'Families', 'Sync', 'Imports', 'Audit log', 'Settings']) {
    await expect(nav.getByRole('link', { name, exact: true })).toBeVisible();
  }
  // The token never shows up in the address bar.
  expect(page.url()).not.toContain(admin);

  // Unclaimed classes and their count, as the API counts them.
  await page.getByRole('link', { name: 'Classes', exact: true }).click();
  const { classes } = await graphql<{ classes: { totalCount: number } }>(
    page, admin, 'query { classes(filter: { claimed: false }) { totalCount } }',
  );
  expect(classes.totalCount).toBeGreaterThan(0);
  await page.getByLabel('Claimed').selectOption({ label: 'Unclaimed' });
  await expect(page.getByTestId('class-count')).toHaveText(`${classes.totalCount} classes`);
  await screenshot(page, info, 'classes');

  // Claim the first one for its teacher.
  const table = page.getByRole('table', { name: 'Classes' });
  const firstLink = table.getByRole('link').first();
  const title = (await firstLink.textContent())!;
  // Search narrows the list to matching titles; the count stays the filter's.
  await page.getByRole('textbox', { name: 'Search' }).fill(title);
  await expect(page.getByText(new RegExp(`^\\d+ match(es)? “`))).toBeVisible();
  for (const text of await table.getByRole('link').allTextContents()) expect(text.toLowerCase()).toContain(title.toLowerCase());
  await expect(page.getByTestId('class-count')).toHaveText(`${classes.totalCount} classes`);
  await table.getByRole('link', { name: title, exact: true }).first().click();
  await expect(page.getByRole('heading', { level: 2, name: title })).toBeVisible();
  const teacher = page.getByLabel('Teacher');
  const teacherName = (await teacher.locator('option:checked').textContent())!;
  await page.getByRole('button', { name: 'Claim for teacher' }).click();
  await expect(page.getByTestId('claimed-by')).toContainText(`by ${teacherName}`);
  await page.getByRole('link', { name: 'Classes', exact: true }).click();
  await page.getByLabel('Claimed').selectOption({ label: 'Unclaimed' });
  await expect(page.getByTestId('class-count')).toHaveText(`${classes.totalCount - 1} classes`);

  // A connector whose folder this test changes.
  const folder = env('E2E_HOLD_DIR');
  await page.getByRole('link', { name: 'Sync', exact: true }).click();
  await page.getByRole('button', { name: 'Add connector' }).click();
  await page.getByLabel('Kind').selectOption('ONEROSTER_CSV');
  // Refused (the demo's connector has this name): the userError shows in the form.
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Demo SIS (OneRoster CSV)');
  await page.getByRole('textbox', { name: 'Folder or .zip path' }).fill(folder);
  await page.getByRole('button', { name: 'Create connector' }).click();
  await expect(page.locator('#new-connector').getByRole('alert')).toContainText('already exists');
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill('E2E roster');
  await page.getByRole('button', { name: 'Create connector' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'E2E roster' })).toBeVisible();

  await page.getByRole('button', { name: 'Run now: E2E roster' }).click();
  await expect(page.getByRole('heading', { name: 'Sync run' })).toBeVisible();
  await expect(page.getByTestId('run-status')).toHaveText('Succeeded', { timeout: 60_000 });
  const counts = page.getByRole('table', { name: 'Counts per entity' });
  await expect(counts.getByRole('row', { name: /Person/ })).toBeVisible();
  await screenshot(page, info, 'sync-report');

  // Half the students leave the SIS: the next run is held.
  const smaller = env('E2E_HOLD_SMALLER_DIR');
  for (const f of fs.readdirSync(smaller)) fs.copyFileSync(path.join(smaller, f), path.join(folder, f));
  await page.goBack();
  await expect(page.getByRole('heading', { level: 2, name: 'E2E roster' })).toBeVisible();
  await page.getByRole('button', { name: 'Run now: E2E roster' }).click();
  await expect(page.getByRole('heading', { name: 'Review the hold' })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText(/^Person: \d+ would be removed$/)).toBeVisible();
  await page.getByText(/^Person: \d+ would be removed$/).click();
  await expect(page.getByRole('list', { name: 'Person that would be removed' }).getByRole('listitem')).toHaveCount(
    Number(process.env.E2E_HOLD_REMOVED ?? '0'),
  );
  await screenshot(page, info, 'sync-hold');
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByRole('heading', { name: 'Review the hold' })).toBeHidden({ timeout: 60_000 });
  await expect(page.getByTestId('run-status')).toHaveText('Succeeded', { timeout: 60_000 });
  await expect(counts.getByRole('row', { name: /Person/ }).getByRole('cell').nth(3)).not.toHaveText('0');

  // The report's issue views filter errors and alerts.
  await page.getByLabel('Severity').selectOption({ label: 'Alerts' });
  await expect(page.getByRole('table', { name: 'Records with issues' })).toBeVisible();

  // Live progress: a run of the demo's 700-student roster streams syncRunProgress over
  // /graphql/ws (the token in the connection's init payload, not the URL) until it ends.
  const frames: string[] = [];
  const sockets: string[] = [];
  page.on('websocket', (ws) => {
    sockets.push(ws.url());
    ws.on('framereceived', (f) => {
      if (String(f.payload).includes('syncRunProgress')) frames.push(String(f.payload));
    });
  });
  await page.getByRole('link', { name: 'Sync', exact: true }).click();
  await page.getByRole('button', { name: 'Run now: Demo SIS (OneRoster CSV)' }).click();
  await expect(page.getByTestId('run-status')).toHaveText('Succeeded', { timeout: 90_000 });
  expect(sockets.every((u) => u.endsWith('/graphql/ws') && !u.includes(admin))).toBe(true);
  expect(frames.length).toBeGreaterThan(0);
  expect(frames.some((f) => f.includes('"finished":true'))).toBe(true);

  // Settings: a refused webhook shows why next to its URL; a good one is listed.
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  const url = page.getByRole('textbox', { name: 'URL' });
  await url.fill('http://partner.example/hooks');
  await page.getByLabel(/^Signing secret/).fill('a signing secret of 32 characters');
  await page.getByRole('button', { name: 'Add webhook' }).click();
  await expect(url).toHaveAccessibleDescription(/must use https/);
  await url.fill('http://127.0.0.1:9/hooks');
  await page.getByRole('button', { name: 'Add webhook' }).click();
  await expect(page.getByText('http://127.0.0.1:9/hooks', { exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Delivery log' }).click();
  await expect(page.getByText('No deliveries yet.')).toBeVisible();

  // Sign out forgets a pasted operator token in this tab but does not revoke it.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin$/);
  const still = await graphql<{ viewer: { role: string } }>(page, admin, 'query { viewer { role } }');
  expect(still.viewer.role).toBe('DISTRICT_ADMIN');

  expect(problems).toEqual([]);
});
