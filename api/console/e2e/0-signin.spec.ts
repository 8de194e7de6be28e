import { expect, test } from '@playwright/test';
import { env, watchConsole } from './helpers';

// Staff cannot have a password yet (sign-in issue); a guardian who accepted an invitation can,
// so the Email/Password form is exercised with one. The console has no pages for guardians.
test('the email and password form signs in through login, shows refusals, and Sign out ends the session', async ({ page }) => {
  const problems = watchConsole(page);
  // A refused login: the message shows in the form, nothing is kept.
  await page.goto('/signin');
  await page.getByLabel('Email').fill(env('E2E_GUARDIAN_EMAIL'));
  await page.getByLabel('Password', { exact: true }).fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('wrong email address or password');
  expect(await page.evaluate(() => sessionStorage.getItem('homeroom.session'))).toBeNull();

  await page.getByLabel('Password', { exact: true }).fill(env('E2E_GUARDIAN_PASSWORD'));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Nothing to manage here' })).toBeVisible();
  expect(page.url()).not.toMatch(/token|session/i);
  const session = await page.evaluate(() => sessionStorage.getItem('homeroom.session'));
  expect(session).toBeTruthy();
  const viewerWith = (token: string) =>
    page.request.post('/graphql', {
      headers: { authorization: `Bearer ${token}` },
      data: { query: '{ viewer { role } }' },
    });
  expect((await (await viewerWith(session!)).json()).data?.viewer?.role).toBe('GUARDIAN');

  // Sign out ends the session on the server (`logout`), not only in this tab.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin$/);
  expect(await page.evaluate(() => sessionStorage.getItem('homeroom.session'))).toBeNull();
  const after = await (await viewerWith(session!)).json();
  expect(after.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

  // A bad token is refused next to its field.
  await page.getByLabel('API token').fill('not-a-token');
  await page.getByRole('button', { name: 'Use token' }).click();
  await expect(page.getByText('This token is not valid (it may have been revoked).')).toBeVisible();
  // Reloading a protected page without a session goes to sign-in.
  await page.goto('/classes');
  await expect(page).toHaveURL(/\/signin$/);
  expect(problems.filter((p) => !p.includes('401'))).toEqual([]);
});
