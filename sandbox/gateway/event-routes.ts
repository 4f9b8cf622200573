import type { GatewayResponse } from './payload-v2.ts';
import { json, type SandboxControl } from './sandbox-routes.ts';

/**
 * `/_sandbox/events…` and `/_sandbox/mail`: what went over the event bus and what SES took.
 *
 * - `GET /_sandbox/events`: every event put, in order, with the rules it was delivered to;
 * - `GET /_sandbox/events/rules`: the template's rules and those added here (with what they received);
 * - `POST /_sandbox/events/rules` `{name, eventPattern}`: a rule that keeps what it receives;
 * - `POST /_sandbox/events/replay` `{rule, archive?}`: the archive's matching events to that rule only;
 * - `GET /_sandbox/mail`: every email sent.
 */
export function handleEventRoute(method: string, path: string, input: Record<string, unknown>, control: SandboxControl): GatewayResponse {
  switch (`${method} ${path}`) {
    case 'GET /_sandbox/events':
      return json(200, {
        events: control.events.events().map(({ bus, event, deliveredTo }) => ({
          id: event.id,
          bus,
          time: event.time,
          source: event.source,
          detailType: event['detail-type'],
          detail: event.detail,
          deliveredTo,
        })),
      });
    case 'GET /_sandbox/events/rules':
      return json(200, { rules: control.events.rules() });
    case 'POST /_sandbox/events/rules': {
      const { name, eventPattern, bus } = input;
      if (typeof name !== 'string' || !/^[\w.-]{1,64}$/.test(name)) return json(400, { message: '`name` must be 1-64 letters, digits, `.`, `-` or `_`' });
      if (eventPattern === null || typeof eventPattern !== 'object' || Array.isArray(eventPattern)) return json(400, { message: '`eventPattern` must be an event pattern object' });
      if (bus !== undefined && typeof bus !== 'string') return json(400, { message: '`bus` must be a bus name' });
      try {
        return json(201, { rule: control.events.addRule({ name, eventPattern, ...(bus ? { busName: bus } : {}) }) });
      } catch (error) {
        return json(409, { message: (error as Error).message });
      }
    }
    case 'POST /_sandbox/events/replay': {
      const { rule, archive } = input;
      if (typeof rule !== 'string') return json(400, { message: '`rule` (a rule logical id or name) is required' });
      if (archive !== undefined && typeof archive !== 'string') return json(400, { message: '`archive` must be an archive name or logical id' });
      try {
        return json(200, control.events.replay({ rule, ...(archive ? { archive } : {}) }));
      } catch (error) {
        return json(404, { message: (error as Error).message });
      }
    }
    case 'GET /_sandbox/mail':
      return json(200, { messages: control.mail() });
    default:
      return json(404, { message: 'Not Found' });
  }
}
