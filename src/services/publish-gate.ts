import { inArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { accounts } from '../../db/schema';
import { AppError } from '../lib/errors';

/**
 * A draft may only target accounts that are registered (登记备案). Checked when the draft is
 * written, at submit and again at final approval, since an account can be suspended meanwhile.
 */
export async function assertPublishable(tx: Db, accountIds: string[], stage: 'create' | 'submit' | 'approve'): Promise<void> {
  if (!accountIds.length) return;
  const found = await tx.select({ id: accounts.id, name: accounts.name, status: accounts.status }).from(accounts).where(inArray(accounts.id, accountIds));
  const missing = accountIds.filter((id) => !found.some((a) => a.id === id));
  if (missing.length) throw new AppError('not_found', { what: `账号 ${missing.join(', ')} / account` }, { field: 'accountIds', missing });
  const blocked = found.filter((a) => a.status !== 'registered');
  if (blocked.length) {
    throw new AppError('account_not_publishable', { accounts: blocked.map((a) => `${a.name}（${a.status}）`).join('、') }, {
      field: 'accountIds',
      stage,
      accounts: blocked.map(({ id, status }) => ({ id, status })),
    });
  }
}
