import { upgradeUser, USER_SCHEMA_VERSION } from '../../lambdas/domain/user-profile.ts';

/** A schema change the backfill applies to every item of one entity still below `toVersion`. */
export interface Migration {
  /** ElectroDB's entity name, stored in every item as `__edb_e__`. */
  entity: string;
  toVersion: number;
  /** The item brought to `toVersion`: the same pure function the adapters apply on every read. */
  upgrade: (item: Record<string, unknown>) => Record<string, unknown>;
  /** The attributes the upgrade may change; only these (and `schemaVersion`) are written back. */
  changes: string[];
}

/** Schema 2 of lambdas/model/user.ts: the profile's `name` split into `givenName`/`familyName`. */
export const userNameSplit: Migration = {
  entity: 'user',
  toVersion: USER_SCHEMA_VERSION,
  upgrade: (item) => upgradeUser(item),
  changes: ['profile'],
};
