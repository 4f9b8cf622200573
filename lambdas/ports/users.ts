import type { AccountStats, UserRecord } from '../domain/user-profile.ts';

/**
 * What the account's use cases need of the store, one capability an interface. Implemented for
 * DynamoDB by adapters/user-store.ts; tests pass in-memory fakes.
 */

/** AP1: the user in the current schema, whatever version it was stored in. */
export interface UserLookup {
  user(userId: string, options?: { consistent?: boolean }): Promise<UserRecord | undefined>;
}

/**
 * 'email-taken': another user holds the new email. 'old-email-not-ours': the previous email's
 * claim belongs to someone else (data from before claims), so it must be kept, not released.
 * 'contended': the user is no longer the revision read, or a concurrent write held an item.
 */
export type ProfileCommit = 'saved' | 'email-taken' | 'old-email-not-ours' | 'contended';

/** Writes `next` over `previous` (undefined: creates), claiming its email for the user. */
export interface ProfileWrites {
  commitProfile(previous: UserRecord | undefined, next: UserRecord, options: { releasePreviousEmail: boolean }): Promise<ProfileCommit>;
}

/** AP16: the user with stats and recent orders, in one read. */
export interface Accounts {
  account(userId: string): Promise<{ user?: UserRecord; stats?: AccountStats }>;
}

export type UserStore = UserLookup & ProfileWrites & Accounts;
