/**
 * The user's profile and its schema versions. Version 2 split the profile's one `name` into
 * `givenName` and `familyName`; items written as version 1 stay readable because every read goes
 * through `upgradeUser`, and `npm run backfill` rewrites them in bulk with the same function.
 */

export const USER_SCHEMA_VERSION = 2;

export const USER_STATUSES = ['active', 'suspended', 'deleted'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/** The profile as the current schema stores it. */
export interface Profile {
  givenName?: string;
  familyName?: string;
  phone?: string;
  preferences?: Record<string, unknown>;
}

/** A profile as any schema version stored it: version 1 held one `name`. */
export interface StoredProfile extends Profile {
  name?: string;
}

/** What every version of a user item has that the upgrade looks at; other fields pass through. */
export interface StoredUser {
  schemaVersion?: number;
  profile?: StoredProfile;
}

export type UpgradedUser<T extends StoredUser> = Omit<T, 'profile' | 'schemaVersion'> & {
  profile: Profile;
  schemaVersion: number;
};

/** A user in the current schema, as the API and the store see it. */
export interface UserRecord {
  userId: string;
  email: string;
  status: UserStatus;
  profile: Profile;
  schemaVersion: number;
  /** Incremented by every profile write: the optimistic-concurrency guard of PUT /me. */
  revision?: number;
  createdAt: string;
  updatedAt: string;
  lastLoginAt?: string;
}

/** One of the five most recent orders kept on the user's account (AP16). */
export interface RecentOrder {
  orderId: string;
  status: string;
  totalCents: number;
  createdAt: string;
}

/** What the stream projector keeps per user: absent until their first order. */
export interface AccountStats {
  orderCount: number;
  lifetimeValueCents: number;
  recentOrders: RecentOrder[];
}

/** PUT /me: the email, and either one `name` or its parts; absent fields keep their value. */
export interface ProfileUpdate {
  email: string;
  name?: string;
  givenName?: string;
  familyName?: string;
  phone?: string;
  preferences?: Record<string, unknown>;
}

export type NameParts = Pick<Profile, 'givenName' | 'familyName'>;

/**
 * Splits a single name the way version 1 data needs it: the first word is the given name, the rest
 * the family name. Not right for every culture's name order, which is why the API also takes the
 * parts; joining the parts gives the name back (whitespace collapsed), so nothing is lost.
 */
export function splitName(name: string): NameParts {
  const [givenName, ...rest] = name.trim().split(/\s+/).filter(Boolean);
  const familyName = rest.join(' ');
  return { ...(givenName ? { givenName } : {}), ...(familyName ? { familyName } : {}) };
}

/** The display name derived from the parts; undefined when the profile has neither. */
export function displayName(profile: NameParts): string | undefined {
  const name = [profile.givenName, profile.familyName].filter(Boolean).join(' ');
  return name || undefined;
}

/**
 * Brings a user item of any schema version to the current one. Pure and idempotent: items already
 * current (or newer) are returned as they are; fields it does not know pass through untouched.
 */
export function upgradeUser<T extends StoredUser>(item: T): UpgradedUser<T> {
  const version = item.schemaVersion ?? 1;
  if (version >= USER_SCHEMA_VERSION) return { ...item, profile: item.profile ?? {}, schemaVersion: version };
  const { name, ...profile } = item.profile ?? {};
  return {
    ...item,
    profile: { ...profile, ...(name !== undefined ? splitName(name) : {}) },
    schemaVersion: USER_SCHEMA_VERSION,
  };
}

/** Applies PUT /me to a profile: a `name` replaces both parts, a part replaces only itself. */
export function mergeProfile(current: Profile, update: ProfileUpdate): Profile {
  const { givenName, familyName, ...rest } = current;
  const names: NameParts =
    update.name !== undefined
      ? splitName(update.name)
      : {
          ...(givenName !== undefined ? { givenName } : {}),
          ...(familyName !== undefined ? { familyName } : {}),
          ...(update.givenName !== undefined ? { givenName: update.givenName } : {}),
          ...(update.familyName !== undefined ? { familyName: update.familyName } : {}),
        };
  return {
    ...names,
    ...rest,
    ...(update.phone !== undefined ? { phone: update.phone } : {}),
    ...(update.preferences !== undefined ? { preferences: update.preferences } : {}),
  };
}

/** The user after PUT /me: creation time, status and last login are kept; the revision moves on. */
export function applyProfileUpdate(userId: string, current: UserRecord | undefined, update: ProfileUpdate, now: string): UserRecord {
  return {
    userId,
    email: update.email,
    status: current?.status ?? 'active',
    profile: mergeProfile(current?.profile ?? {}, update),
    schemaVersion: USER_SCHEMA_VERSION,
    revision: (current?.revision ?? 0) + 1,
    createdAt: current?.createdAt ?? now,
    updatedAt: now,
    ...(current?.lastLoginAt ? { lastLoginAt: current.lastLoginAt } : {}),
  };
}

/** Emails are unique regardless of case: the claim is keyed by the lower-cased address. */
export function emailClaimKey(email: string): string {
  return email.trim().toLowerCase();
}

/** The claim a profile write must hold, and the one it gives up when the email really changed. */
export function emailClaims(previousEmail: string | undefined, nextEmail: string): { claim: string; release?: string } {
  const claim = emailClaimKey(nextEmail);
  const previous = previousEmail === undefined ? undefined : emailClaimKey(previousEmail);
  return previous !== undefined && previous !== claim ? { claim, release: previous } : { claim };
}

/** The profile as the API shows it: the parts, and the derived `name` clients of version 1 read. */
export function profileView(profile: Profile): Profile & { name?: string } {
  const name = displayName(profile);
  return { ...profile, ...(name ? { name } : {}) };
}
