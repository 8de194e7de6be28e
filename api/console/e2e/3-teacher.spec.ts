import { expect, test } from '@playwright/test';
import { env, screenshot, watchConsole } from './helpers';

test('a teacher signs in with a password, opens their class, invites all families and sees the invitations go out', async ({ page }, info) => {
  const problems = watchConsole(page);
  await page.goto('/');
  await page.getByLabel('Email').fill(env('E2E_TEACHER_EMAIL'));
  await page.getByLabel('Password', { exact: true }).fill(env('E2E_TEACHER_PASSWORD'));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  const classId = env('E2E_TEACHER_CLASS_ID');

  // A teacher sees exactly Classes and Families.
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link')).toHaveText(['Classes', 'Families']);

  await expect(page.getByTestId('class-count')).toBeVisible();

  // Keyboard: the first Tab reaches "Skip to content", which moves focus to the page.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('#main')).toBeFocused();

  // Phone width: the navigation folds behind "Menu".
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(nav.getByRole('link', { name: 'Families' })).toBeHidden();
  await page.getByRole('button', { name: 'Menu' }).click();
  await nav.getByRole('link', { name: 'Families' }).click();
  await expect(page.getByLabel('Class')).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Families' })).toBeHidden();
  await page.setViewportSize({ width: 1280, height: 860 });
  await nav.getByRole('link', { name: 'Classes' }).click();
  await page.locator(`a[href="/classes/${encodeURIComponent(classId)}"]`).click();
  await expect(page.getByRole('table', { name: 'Roster' })).toBeVisible();
  await page.getByRole('link', { name: 'Family invite manager' }).click();
  await expect(page).toHaveURL(new RegExp(`/families/${encodeURIComponent(classId)}$`));

  const rows = page.getByTestId('family-row');
  const families = Number(env('E2E_TEACHER_FAMILIES'));
  await expect(rows).toHaveCount(families);
  await expect(page.getByTestId('family-state')).toHaveText(Array(families).fill('Not invited'));

  await page.getByLabel('Send by').selectOption({ label: 'Email' });
  await page.getByRole('button', { name: 'Invite all' }).click();
  // Every row is invited; each invitation leaves "Pending" once the SMTP server took it.
  await expect(page.getByTestId('family-state')).toHaveText(Array(families).fill('Invited'));
  await expect(page.getByTestId('invitation-status')).toHaveText(Array(families).fill('Sent'), { timeout: 60_000 });
  await screenshot(page, info, 'families');

  // Filter by state.
  await page.getByLabel('State').selectOption({ label: 'Not invited' });
  await expect(page.getByText('No families in state “Not invited”.')).toBeVisible();
  // Pages of other roles are not offered, even by address.
  await page.goto('/sync');
  await expect(page.getByRole('heading', { name: 'Nothing to manage here' })).toBeVisible();

  expect(problems).toEqual([]);
});
