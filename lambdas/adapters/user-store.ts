import { commerce } from '../model/service.ts';
import { User, type UserItem } from '../model/user.ts';
import type { UserStatsItem } from '../model/user-stats.ts';

export interface ProfileInput {
  userId: string;
  email: string;
  name?: string;
  phone?: string;
  preferences?: Record<string, unknown>;
}

/** Creates or updates the caller's user, keeping its creation time and status. */
export async function putUser(input: ProfileInput, now: string): Promise<UserItem> {
  const { data: existing } = await User.get({ userId: input.userId }).go();
  const profile = {
    ...existing?.profile,
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.phone !== undefined ? { phone: input.phone } : {}),
    ...(input.preferences !== undefined ? { preferences: input.preferences } : {}),
  };
  const { data } = await User.put({
    userId: input.userId,
    email: input.email,
    status: existing?.status ?? 'active',
    profile,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
    ...(existing?.lastLoginAt ? { lastLoginAt: existing.lastLoginAt } : {}),
  }).go();
  return data;
}

/** AP16: the user, their stats and recent orders — one Query on the `account` collection. */
export async function getAccount(userId: string): Promise<{ user?: UserItem; stats?: UserStatsItem }> {
  const { data } = await commerce.collections.account({ userId }).go();
  return { user: data.user[0], stats: data.userStats[0] };
}
