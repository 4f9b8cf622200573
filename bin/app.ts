#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CommerceStack } from '../lib/commerce-stack.ts';

const app = new App();
new CommerceStack(app, app.node.tryGetContext('stackName') ?? 'Commerce', {
  ephemeral: app.node.tryGetContext('ephemeral') === 'true' || app.node.tryGetContext('ephemeral') === true,
  alarmEmail: app.node.tryGetContext('alarmEmail'),
  notifications: {
    sender: app.node.tryGetContext('notificationSender'),
    identity: app.node.tryGetContext('notificationIdentity'),
    configurationSetName: app.node.tryGetContext('sesConfigurationSet'),
  },
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
