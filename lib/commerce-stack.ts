import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Api } from './api.ts';
import { Archive } from './archive.ts';
import { Database } from './database.ts';
import { OrderPipeline } from './order-pipeline.ts';
import { Observability } from './observability.ts';
import { Projections } from './projections.ts';

export interface CommerceStackProps extends StackProps {
  /** Throwaway dev stack: turns off deletion protection and retain-on-delete (context `ephemeral=true`). */
  readonly ephemeral?: boolean;
  /** Subscribed by email to the alarm topic (context `alarmEmail`). */
  readonly alarmEmail?: string;
}

/** Composes the platform's constructs; each concern lives in its own construct. */
export class CommerceStack extends Stack {
  constructor(scope: Construct, id: string, props: CommerceStackProps = {}) {
    super(scope, id, props);
    const ephemeral = props.ephemeral ?? false;
    const database = new Database(this, 'Database', { ephemeral });
    new OrderPipeline(this, 'OrderPipeline', { database });
    const archive = new Archive(this, 'Archive', { ephemeral });
    new Projections(this, 'Projections', { database, archive });
    const api = new Api(this, 'Api', { database, ephemeral });
    // Last: it discovers the functions, queues and stream consumers composed above.
    new Observability(this, 'Observability', {
      database,
      httpApi: api.httpApi,
      ...(props.alarmEmail ? { alarmEmail: props.alarmEmail } : {}),
    });
  }
}
