import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { config } from '../config.ts';
import type { Email } from '../domain/order-notification.ts';
import { awsClientOptions } from './client-options.ts';

const ses = new SESv2Client(awsClientOptions);

/**
 * Sends one plain-text email through SES v2 from the configured sender, under the configured
 * configuration set (its event destinations and suppression list apply). Resolves with SES's message id.
 */
export async function sendEmail(email: Email): Promise<string> {
  const { MessageId } = await ses.send(
    new SendEmailCommand({
      FromEmailAddress: config.notificationSender,
      Destination: { ToAddresses: [email.to] },
      Content: { Simple: { Subject: { Data: email.subject, Charset: 'UTF-8' }, Body: { Text: { Data: email.text, Charset: 'UTF-8' } } } },
      ...(config.sesConfigurationSet ? { ConfigurationSetName: config.sesConfigurationSet } : {}),
      EmailTags: [{ Name: 'kind', Value: email.kind }],
    }),
  );
  if (!MessageId) throw new Error('SES accepted the email without a message id');
  return MessageId;
}
