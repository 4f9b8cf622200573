import type { AccountStats, UserRecord } from '../domain/user-profile.ts';
import type { Accounts } from '../ports/users.ts';

export type ReadAccountOutcome = { outcome: 'found'; user: UserRecord; stats: AccountStats } | { outcome: 'no-profile' };

/** GET /me: AP16, the profile with its stats and recent orders; a user with no order yet has zero of each. */
export async function readAccount(request: { userId: string }, ports: { accounts: Accounts }): Promise<ReadAccountOutcome> {
  const { user, stats } = await ports.accounts.account(request.userId);
  if (!user) return { outcome: 'no-profile' };
  return { outcome: 'found', user, stats: stats ?? { orderCount: 0, lifetimeValueCents: 0, recentOrders: [] } };
}
