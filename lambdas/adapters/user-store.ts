import { Service } from 'electrodb';
import { type AccountStats, emailClaimKey, emailClaims, upgradeUser, type UserRecord } from '../domain/user-profile.ts';
import { User, type UserItem } from '../model/user.ts';
import { UserEmail } from '../model/user-email.ts';
import { entityConfig } from '../model/table.ts';
import { UserStats, type UserStatsItem } from '../model/user-stats.ts';
import type { ProfileCommit, UserStore } from '../ports/users.ts';

/** The account collection (user, stats) and the email-claim transaction — a service of its own, so that a function constructs only the entities its adapters use. */
const accounts = new Service({ user: User, userStats: UserStats, userEmail: UserEmail }, entityConfig);

/** Every read of a user goes through the schema upgrade, whatever version the item was written in. */
function fromItem(item: UserItem): UserRecord {
  return upgradeUser({ ...item, status: item.status ?? 'active' });
}

/** AP1: the user — one GetItem. */
export async function getUser(userId: string, options: { consistent?: boolean } = {}): Promise<UserRecord | undefined> {
  const { data } = await User.get({ userId }).go({ consistent: options.consistent ?? false });
  return data ? fromItem(data) : undefined;
}

/** AP2: who holds an email, in any letter case — one GetItem on its uniqueness claim. */
export async function findUserByEmail(email: string): Promise<{ userId: string; email: string } | undefined> {
  const { data } = await UserEmail.get({ email: emailClaimKey(email) }).go();
  return data ? { userId: data.userId, email: data.email } : undefined;
}

/** AP16: the user, their stats and recent orders — one Query on the `account` collection. */
export async function getAccount(userId: string): Promise<{ user?: UserRecord; stats?: AccountStats }> {
  const { data } = await accounts.collections.account({ userId }).go();
  const [user] = data.user;
  const [stats] = data.userStats;
  return { ...(user ? { user: fromItem(user) } : {}), ...(stats ? { stats: statsOf(stats) } : {}) };
}

function statsOf(item: UserStatsItem): AccountStats {
  return { orderCount: item.orderCount ?? 0, lifetimeValueCents: item.lifetimeValueCents ?? 0, recentOrders: item.recentOrders ?? [] };
}

/**
 * One transaction: claim the email (absent, or already the caller's), give up the previous email's
 * claim when the address really changed, and write the user on condition that it is still the
 * revision we read — so two concurrent PUT /me of one user can never leave a claim behind.
 */
async function commitProfile(previous: UserRecord | undefined, next: UserRecord, options: { releasePreviousEmail: boolean }): Promise<ProfileCommit> {
  const { claim, release } = emailClaims(previous?.email, next.email);
  const releasing = options.releasePreviousEmail ? release : undefined;
  const owner = next.userId;
  const { canceled, data } = await accounts.transaction
    .write(({ user, userEmail }) => [
      userEmail
        .put({ email: claim, userId: owner, claimedAt: next.updatedAt })
        .where(({ userId }, { notExists, eq }) => `${notExists(userId)} OR ${eq(userId, owner)}`)
        .commit(),
      user
        .put(next)
        .where(({ userId, revision }, { exists, notExists, eq }) => {
          if (!previous) return notExists(userId);
          if (previous.revision === undefined) return `${exists(userId)} AND ${notExists(revision)}`;
          return eq(revision, previous.revision);
        })
        .commit(),
      ...(releasing
        ? [
            userEmail
              .delete({ email: releasing })
              .where(({ userId }, { notExists, eq }) => `${notExists(userId)} OR ${eq(userId, owner)}`)
              .commit(),
          ]
        : []),
    ])
    .go();
  if (!canceled) return 'saved';
  const [claimCode, userCode, releaseCode] = data.map((result) => result.code);
  if (claimCode === 'ConditionalCheckFailed') return 'email-taken';
  // Only data from before emails were claimed can name an address another user has since claimed.
  if (releaseCode === 'ConditionalCheckFailed' && userCode !== 'ConditionalCheckFailed') return 'old-email-not-ours';
  // The user changed under us, or a concurrent transaction held one of the items: read again.
  return 'contended';
}

export const userStore: UserStore = {
  user: getUser,
  commitProfile,
  account: getAccount,
};
