import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Operation } from 'urql';
import { makeSubject } from 'wonka';
import { beforeAll, describe, expect, it } from 'vitest';
import SyncRunPage from '../pages/SyncRunPage';
import { mockClient, renderAt, stubMatchMedia } from './harness';

beforeAll(stubMatchMedia);

const counts = [{ entity: 'person', created: 3, updated: 0, unchanged: 0, archived: 0, merged: 0, rejected: 0 }];

function run(status: string, extra: Record<string, unknown> = {}) {
  return {
    syncRun: {
      __typename: 'SyncRun', id: 'R1', status, mode: 'FULL', dryRun: false, message: null,
      createdAt: '2026-12-01T10:00:00Z', startedAt: null, finishedAt: null, errorCount: 0, alertCount: 0, issueSummary: [], counts, ...extra,
    },
  };
}

function issues(nodes: Record<string, unknown>[], totalCount = nodes.length) {
  return {
    syncRun: {
      __typename: 'SyncRun', id: 'R1',
      issues: { totalCount, pageInfo: { hasNextPage: false, endCursor: null }, nodes },
    },
  };
}

describe('a sync run page', () => {
  it('follows a running run live and shows the report when it ends', async () => {
    const progress = makeSubject<Record<string, unknown>>();
    let status = 'RUNNING';
    const asked: string[] = [];
    const client = mockClient((op: Operation) => {
      const name = op.query.definitions.map((d) => ('name' in d ? d.name?.value : '')).join();
      asked.push(name);
      if (name === 'SyncRunProgress') return progress.source;
      if (name === 'SyncRunPage') return run(status);
      if (name === 'SyncRunIssues') return issues([]);
      return null;
    });
    renderAt(client, '/sync/runs/R1', '/sync/runs/:id', <SyncRunPage />);
    expect(await screen.findByText('Waiting for the run to start…')).toBeInTheDocument();
    progress.next({ syncRunProgress: { status: 'RUNNING', recordsProcessed: 1200, finished: false, counts } });
    expect(await screen.findByText('1200 records processed')).toBeInTheDocument();
    status = 'SUCCEEDED';
    progress.next({ syncRunProgress: { status: 'SUCCEEDED', recordsProcessed: 2400, finished: true, counts } });
    // The run is asked for again: the progress goes, the report stays.
    await waitFor(() => expect(screen.queryByRole('progressbar')).toBeNull());
    expect(within(screen.getByTestId('run-status')).getByText('Succeeded')).toBeInTheDocument();
    expect(asked.filter((n) => n === 'SyncRunPage').length).toBeGreaterThanOrEqual(2);
    expect(await screen.findByText('No errors or alerts.')).toBeInTheDocument();
  });

  it('lists what a held run would remove, and confirms it', async () => {
    let status = 'HELD';
    const confirmed: unknown[] = [];
    const client = mockClient((op: Operation) => {
      const name = op.query.definitions.map((d) => ('name' in d ? d.name?.value : '')).join();
      if (name === 'SyncRunPage') {
        return run(status, {
          message: 'would remove 2 of 10 person records',
          alertCount: 3,
          issueSummary: [
            { __typename: 'IssueCount', code: 'would_remove', severity: 'ALERT', count: 2 },
            { __typename: 'IssueCount', code: 'shared_phone', severity: 'ALERT', count: 1 },
          ],
        });
      }
      if (name === 'SyncRunIssues') {
        return issues([
          { severity: 'ALERT', code: 'would_remove', entityKind: 'person', externalId: 'p7', message: 'person p7 would be removed' },
          { severity: 'ALERT', code: 'would_remove', entityKind: 'person', externalId: 'p8', message: 'person p8 would be removed' },
          { severity: 'ALERT', code: 'shared_phone', entityKind: 'person', externalId: 'p1', message: 'phone shared' },
        ]);
      }
      if (name === 'ConfirmHold') {
        confirmed.push(op.variables);
        status = 'SUCCEEDED';
        return { confirmHold: { __typename: 'SyncRun', id: 'R1', status: 'SUCCEEDED', message: null } };
      }
      return null;
    });
    renderAt(client, '/sync/runs/R1', '/sync/runs/:id', <SyncRunPage />);
    expect(await screen.findByRole('heading', { name: 'Review the hold' })).toBeInTheDocument();
    await userEvent.click(await screen.findByText('Person: 2 would be removed'));
    const list = screen.getByRole('list', { name: 'Person that would be removed' });
    expect(within(list).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['p7', 'p8']);
    // The issue summary groups per code: the removals and the other alert.
    const summary = screen.getByRole('table', { name: 'Issues by code' });
    expect(within(summary).getByText('would_remove')).toBeInTheDocument();
    expect(within(summary).getByText('shared_phone')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Confirm' }));
    expect(confirmed).toEqual([{ id: 'R1' }]);
    expect(await within(await screen.findByTestId('run-status')).findByText('Succeeded')).toBeInTheDocument();
  });

  it("shows the run's exact counts per code and asks the server for a rare code's examples", async () => {
    const asked: Record<string, unknown>[] = [];
    const noisy = Array.from({ length: 3 }, (_, n) => ({
      severity: 'ALERT', code: 'invalid_value', entityKind: 'person', externalId: `s${n}`, message: `userIds of s${n} is not a list`,
    }));
    const client = mockClient((op: Operation) => {
      const name = op.query.definitions.map((d) => ('name' in d ? d.name?.value : '')).join();
      if (name === 'SyncRunPage') {
        return run('SUCCEEDED', {
          errorCount: 1,
          alertCount: 1200,
          issueSummary: [
            { __typename: 'IssueCount', code: 'unknown_role', severity: 'ERROR', count: 1 },
            { __typename: 'IssueCount', code: 'invalid_value', severity: 'ALERT', count: 1200 },
          ],
        });
      }
      if (name === 'SyncRunIssues') {
        asked.push(op.variables as Record<string, unknown>);
        if ((op.variables as { code?: string | null }).code === 'unknown_role') {
          return issues([{ severity: 'ERROR', code: 'unknown_role', entityKind: 'person', externalId: 'w1', message: 'role wizard is not a OneRoster role' }]);
        }
        // The page's examples stop short of the run's 1,201 issues, and hold none of the rare code.
        return issues(noisy, 1201);
      }
      return null;
    });
    renderAt(client, '/sync/runs/R1', '/sync/runs/:id', <SyncRunPage />);
    const summary = await screen.findByRole('table', { name: 'Issues by code' });
    const rows = within(summary).getAllByRole('row').slice(1).map((r) => r.textContent);
    expect(rows[0]).toContain('unknown_role');
    expect(rows[1]).toContain('1200');
    await userEvent.click(within(summary).getByRole('button', { name: 'unknown_role' }));
    expect(await screen.findByText('role wizard is not a OneRoster role')).toBeInTheDocument();
    expect(asked.some((v) => v.code === 'unknown_role')).toBe(true);
  });
});
