import { AGAIN, retry } from '../domain/retry.ts';
import { applyProfileUpdate, type ProfileUpdate, type UserRecord } from '../domain/user-profile.ts';
import type { ProfileWrites, UserLookup } from '../ports/users.ts';

export interface SaveProfileRequest {
  userId: string;
  update: ProfileUpdate;
}

export interface SaveProfilePorts {
  users: UserLookup & ProfileWrites;
  now: () => string;
}

export type SaveProfileOutcome = { outcome: 'saved'; user: UserRecord } | { outcome: 'email-taken' } | { outcome: 'contended' };

/** Re-reads of the user after losing a race to a concurrent PUT /me, jittered so racers spread out. */
const PROFILE_RACES = { attempts: 8, baseMs: 10, capMs: 500 };

/**
 * PUT /me: creates or updates the caller's user, keeping its email unique across users. Reads the
 * user, applies the update and commits it with the email's claim; a lost race reads and applies
 * again. An email another user holds is refused at once. A previous email someone else claimed
 * (data from before claims) is left to them, and the profile saved without giving it up.
 */
export async function saveProfile(request: SaveProfileRequest, ports: SaveProfilePorts): Promise<SaveProfileOutcome> {
  const now = ports.now();
  let releasePreviousEmail = true;
  const saved = await retry(PROFILE_RACES, async (): Promise<SaveProfileOutcome | typeof AGAIN> => {
    const current = await ports.users.user(request.userId, { consistent: true });
    const next = applyProfileUpdate(request.userId, current, request.update, now);
    const committed = await ports.users.commitProfile(current, next, { releasePreviousEmail });
    if (committed === 'saved') return { outcome: 'saved', user: next };
    if (committed === 'email-taken') return { outcome: 'email-taken' };
    if (committed === 'old-email-not-ours') releasePreviousEmail = false;
    return AGAIN;
  });
  return saved === AGAIN ? { outcome: 'contended' } : saved;
}
