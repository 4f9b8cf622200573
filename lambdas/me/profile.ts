import { ConflictError, NotFoundError } from '../domain/errors.ts';
import { putMeSchema } from '../domain/schemas.ts';
import { profileView, type UserRecord } from '../domain/user-profile.ts';
import { caller, type HttpEvent, jsonBody } from '../http/request.ts';
import { json } from '../http/respond.ts';
import type { UserStore } from '../ports/users.ts';
import { readAccount } from './read-account.ts';
import { saveProfile } from './save-profile.ts';

export interface ProfileRoutePorts {
  users: UserStore;
  now: () => string;
}

function userView(user: UserRecord) {
  const { userId, email, status, profile, createdAt } = user;
  return { userId, email, status, profile: profileView(profile), createdAt };
}

/** PUT /me: create or update the caller's profile; the email must not belong to another user. */
export async function putMe(event: HttpEvent, ports: ProfileRoutePorts) {
  const who = caller(event);
  const body = jsonBody(event, putMeSchema);
  const saved = await saveProfile({ userId: who.userId, update: body }, ports);
  if (saved.outcome === 'email-taken') throw new ConflictError(`${body.email} belongs to another user`, 'EMAIL_TAKEN');
  if (saved.outcome === 'contended') throw new ConflictError('Your profile kept changing concurrently: retry');
  return json(200, userView(saved.user));
}

/** GET /me: AP16, the profile with stats and recent orders from one Query. */
export async function getMe(event: HttpEvent, ports: ProfileRoutePorts) {
  const who = caller(event);
  const account = await readAccount({ userId: who.userId }, { accounts: ports.users });
  if (account.outcome === 'no-profile') throw new NotFoundError('No profile yet: create it with PUT /me');
  const { orderCount, lifetimeValueCents, recentOrders } = account.stats;
  return json(200, { ...userView(account.user), stats: { orderCount, lifetimeValueCents }, recentOrders });
}
