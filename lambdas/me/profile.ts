import { getAccount, saveProfile } from '../adapters/user-store.ts';
import { ConflictError, NotFoundError } from '../domain/errors.ts';
import { putMeSchema } from '../domain/schemas.ts';
import { profileView, type UserRecord } from '../domain/user-profile.ts';
import { caller, type HttpEvent, jsonBody } from '../http/request.ts';
import { json } from '../http/respond.ts';

function userView(user: UserRecord) {
  const { userId, email, status, profile, createdAt } = user;
  return { userId, email, status, profile: profileView(profile), createdAt };
}

/** PUT /me: create or update the caller's profile; the email must not belong to another user. */
export async function putMe(event: HttpEvent) {
  const who = caller(event);
  const body = jsonBody(event, putMeSchema);
  const saved = await saveProfile(who.userId, body, new Date().toISOString());
  if (saved.outcome === 'email-taken') throw new ConflictError(`${body.email} belongs to another user`, 'EMAIL_TAKEN');
  if (saved.outcome === 'contended') throw new ConflictError('Your profile kept changing concurrently: retry');
  return json(200, userView(saved.user));
}

/** GET /me: AP16, the profile with stats and recent orders from one Query. */
export async function getMe(event: HttpEvent) {
  const who = caller(event);
  const { user, stats } = await getAccount(who.userId);
  if (!user) throw new NotFoundError('No profile yet: create it with PUT /me');
  return json(200, {
    ...userView(user),
    stats: { orderCount: stats?.orderCount ?? 0, lifetimeValueCents: stats?.lifetimeValueCents ?? 0 },
    recentOrders: stats?.recentOrders ?? [],
  });
}
