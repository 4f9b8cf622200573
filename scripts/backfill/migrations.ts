import { INVENTORY_SCHEMA_VERSION, spreadUnits } from '../../lambdas/domain/stock.ts';
import { upgradeUser, USER_SCHEMA_VERSION } from '../../lambdas/domain/user-profile.ts';

/** A schema change the backfill applies to every item of one entity still below `toVersion`. */
export type Migration = InPlaceMigration | ReplacingMigration;

interface MigrationOf {
  /** ElectroDB's entity name, stored in every item as `__edb_e__`. */
  entity: string;
  toVersion: number;
}

/** The item keeps its key and is updated where it is. */
export interface InPlaceMigration extends MigrationOf {
  /** The item brought to `toVersion`: the same pure function the adapters apply on every read. */
  upgrade: (item: Record<string, unknown>) => Record<string, unknown>;
  /** The attributes the upgrade may change; only these (and `schemaVersion`) are written back. */
  changes: string[];
}

/**
 * The item moves to other keys: one transaction deletes it, on condition that `unchanged` are still
 * as read, and puts the items that take its place, each on condition that it does not exist yet.
 */
export interface ReplacingMigration extends MigrationOf {
  replacements: (item: Record<string, unknown>) => Array<Record<string, unknown>>;
  unchanged: string[];
}

export const isReplacing = (migration: Migration): migration is ReplacingMigration => 'replacements' in migration;

/** Schema 2 of lambdas/model/user.ts: the profile's `name` split into `givenName`/`familyName`. */
export const userNameSplit: Migration = {
  entity: 'user',
  toVersion: USER_SCHEMA_VERSION,
  upgrade: (item) => upgradeUser(item),
  changes: ['profile'],
};

/**
 * Schema 2 of lambdas/model/inventory.ts (decision 0013): a warehouse's stock kept in one item
 * (`sk = $inventory_1#warehouseId_{w}`) is spread over `buckets` bucket items
 * (`sk = $inventory_1#warehouseId_{w}#bucket_{n}`), as PUT inventory writes them. The old item must
 * still hold the units read (no settlement took from it meanwhile), and no bucket of the warehouse
 * may exist yet.
 */
export function inventoryBuckets(buckets: number): ReplacingMigration {
  return {
    entity: 'inventory',
    toVersion: INVENTORY_SCHEMA_VERSION,
    unchanged: ['available'],
    replacements: (item) =>
      spreadUnits(Number(item.available), buckets).map((available, bucket) => ({
        pk: item.pk,
        sk: `${String(item.sk)}#bucket_${bucket}`,
        __edb_e__: 'inventory',
        __edb_v__: item.__edb_v__,
        productId: item.productId,
        warehouseId: item.warehouseId,
        bucket,
        available,
        schemaVersion: INVENTORY_SCHEMA_VERSION,
        updatedAt: item.updatedAt,
      })),
  };
}
