import { expect, test } from '@playwright/test';
import { env, screenshot, signInWithToken, watchConsole } from './helpers';

test('an admin uploads a relationship spreadsheet with bad rows and sees them before importing', async ({ page }, info) => {
  const problems = watchConsole(page);
  await signInWithToken(page, env('E2E_ADMIN_TOKEN'));
  await page.getByRole('link', { name: 'Imports', exact: true }).click();
  await expect(page.getByText('No imports yet.')).toBeVisible();

  // Nothing chosen: the error sits on the file field.
  await page.getByRole('button', { name: 'Validate' }).click();
  await expect(page.getByText('Choose a CSV file first.')).toBeVisible();

  await page.getByLabel('Spreadsheet (CSV)').setInputFiles(env('E2E_IMPORT_CSV'));
  await page.getByRole('button', { name: 'Validate' }).click();
  const valid = Number(env('E2E_IMPORT_VALID'));
  const invalid = Number(env('E2E_IMPORT_INVALID'));
  await expect(page.getByTestId('valid-rows')).toHaveText(`${valid} valid`);
  await expect(page.getByTestId('invalid-rows')).toHaveText(`${invalid} invalid`);
  const bad = page.getByRole('table', { name: 'Invalid rows' });
  await expect(bad.getByRole('row')).toHaveCount(invalid + 1);
  await expect(bad).toContainText('PARENT_NOT_FOUND');
  await expect(bad).toContainText('STUDENT_NOT_FOUND');
  await expect(page.getByRole('table', { name: 'Preview' }).getByRole('row')).toHaveCount(valid + 1);
  // Invalid rows block the import until the admin chooses to import the valid ones only.
  await expect(page.getByRole('button', { name: 'Import', exact: true })).toBeDisabled();
  await screenshot(page, info, 'imports');

  await page.getByLabel('Import the valid rows even if some are invalid').check();
  await page.getByRole('button', { name: 'Validate' }).click();
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByRole('progressbar', { name: 'Import progress' })).toBeVisible();
  await expect(page.getByText(`${valid} of ${valid} valid rows applied`)).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('import-state')).toHaveText('Succeeded');
  await expect(page.getByRole('table', { name: 'Recent imports' }).getByRole('row').nth(1)).toContainText('Succeeded');
  expect(problems).toEqual([]);
});
