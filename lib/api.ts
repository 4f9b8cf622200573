import { CfnOutput, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccountRecovery, CfnUserPoolGroup, FeaturePlan, Mfa, UserPool } from 'aws-cdk-lib/aws-cognito';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { Database } from './database.ts';
import { CommerceFunction } from './function.ts';
import { settings } from './settings.ts';

type Access = 'public' | 'user' | 'admin';
type Area = 'catalog' | 'me' | 'orders' | 'admin' | 'metrics' | 'contract';

/**
 * The HTTP API contract of SPEC §4: route → function area → who may call it. `admin` routes pass
 * the JWT authorizer like `user` routes; their handler then requires the `admin` group.
 */
export const routes: ReadonlyArray<{ method: HttpMethod; path: string; area: Area; access: Access }> = [
  { method: HttpMethod.GET, path: '/health', area: 'catalog', access: 'public' },
  { method: HttpMethod.GET, path: '/openapi.json', area: 'contract', access: 'public' },
  { method: HttpMethod.GET, path: '/products/{productId}', area: 'catalog', access: 'public' },
  { method: HttpMethod.PUT, path: '/products/{productId}', area: 'catalog', access: 'admin' },
  { method: HttpMethod.PUT, path: '/products/{productId}/inventory/{warehouseId}', area: 'catalog', access: 'admin' },
  { method: HttpMethod.GET, path: '/products/{productId}/inventory', area: 'catalog', access: 'admin' },
  { method: HttpMethod.GET, path: '/categories/{categoryId}/products', area: 'catalog', access: 'public' },
  { method: HttpMethod.PUT, path: '/me', area: 'me', access: 'user' },
  { method: HttpMethod.GET, path: '/me', area: 'me', access: 'user' },
  { method: HttpMethod.GET, path: '/me/orders', area: 'me', access: 'user' },
  { method: HttpMethod.GET, path: '/me/cart', area: 'me', access: 'user' },
  { method: HttpMethod.PUT, path: '/me/cart/items/{productId}', area: 'me', access: 'user' },
  { method: HttpMethod.DELETE, path: '/me/cart/items/{productId}', area: 'me', access: 'user' },
  { method: HttpMethod.GET, path: '/me/wishlist', area: 'me', access: 'user' },
  { method: HttpMethod.PUT, path: '/me/wishlist/{productId}', area: 'me', access: 'user' },
  { method: HttpMethod.DELETE, path: '/me/wishlist/{productId}', area: 'me', access: 'user' },
  { method: HttpMethod.POST, path: '/orders', area: 'orders', access: 'user' },
  { method: HttpMethod.GET, path: '/orders/{orderId}', area: 'orders', access: 'user' },
  { method: HttpMethod.GET, path: '/orders/{orderId}/events', area: 'orders', access: 'user' },
  { method: HttpMethod.GET, path: '/admin/orders', area: 'admin', access: 'admin' },
  { method: HttpMethod.PUT, path: '/promotions/{code}', area: 'admin', access: 'admin' },
  { method: HttpMethod.GET, path: '/admin/metrics/{name}', area: 'admin', access: 'admin' },
  { method: HttpMethod.POST, path: '/events', area: 'metrics', access: 'user' },
];

export interface ApiProps {
  readonly database: Database;
  readonly ephemeral: boolean;
}

/** Cognito user pool, the HTTP API with its JWT authorizer, and one function per bounded area. */
export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly userPool: UserPool;
  readonly functions: Record<Area, CommerceFunction>;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.userPool = new UserPool(this, 'Users', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      passwordPolicy: { minLength: 12, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      featurePlan: FeaturePlan.ESSENTIALS,
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      removalPolicy: props.ephemeral ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge(
      {
        id: 'AwsSolutions-COG8',
        reason: 'Threat protection needs the PLUS feature plan, billed per active user; deployers opt in via featurePlan.',
      },
      {
        id: 'AwsSolutions-COG2',
        reason: 'MFA is offered (TOTP) but optional so service accounts can sign in; require it per deployment.',
      },
    );
    new CfnUserPoolGroup(this, 'AdminGroup', { userPoolId: this.userPool.userPoolId, groupName: 'admin' });
    const client = this.userPool.addClient('ApiClient', { authFlows: { userSrp: true }, generateSecret: false, disableOAuth: true });
    const authorizer = new HttpUserPoolAuthorizer('Jwt', this.userPool, { userPoolClients: [client] });

    const fn = (area: Area, description: string) =>
      new CommerceFunction(this, `${area[0]!.toUpperCase()}${area.slice(1)}Api`, {
        entry: `lambdas/${area}/api.ts`,
        description,
      });
    this.functions = {
      catalog: fn('catalog', 'Catalog routes: products and inventory'),
      me: fn('me', 'The caller’s profile, stats and order history'),
      orders: fn('orders', 'Order placement and order reads'),
      admin: fn('admin', 'Back-office: order listings, promotions, metrics'),
      metrics: fn('metrics', 'Metric event ingestion with sharded batch writes'),
      // Serves the committed contracts/openapi.json: no table, no variables.
      contract: fn('contract', 'The OpenAPI document of this API'),
    };
    const { database } = props;
    // Exactly the calls each function's code makes: test/integration/exact-grants.test.ts proves it.
    database.grant(this.functions.catalog, ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'DeleteItem'], { indexes: ['gsi1'] });
    database.grant(this.functions.me, ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem']);
    // Placement is one transaction of Puts; reads are the order (GetItem), its events and the cart (Query).
    database.grant(this.functions.orders, ['GetItem', 'Query', 'PutItem']);
    database.grant(this.functions.admin, ['Query', 'UpdateItem'], { indexes: ['gsi1', 'gsi2'] });
    database.grant(this.functions.metrics, ['BatchWriteItem']);

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.httpApi = new HttpApi(this, 'HttpApi', { createDefaultStage: false, description: 'Commerce HTTP API' });
    const stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: settings.apiRateLimit, burstLimit: settings.apiBurstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // HTTP API context variables ($context.resourcePath and IAM identities are REST-only).
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            routeKey: '$context.routeKey',
            status: '$context.status',
            sub: '$context.authorizer.claims.sub',
            authorizerError: '$context.authorizer.error',
            integrationError: '$context.integrationErrorMessage',
            latencyMs: '$context.responseLatency',
            ip: '$context.identity.sourceIp',
          }),
        ),
      },
    });

    const integrations = Object.fromEntries(
      Object.entries(this.functions).map(([area, f]) => [area, new HttpLambdaIntegration(`${area}Integration`, f)]),
    ) as Record<Area, HttpLambdaIntegration>;
    for (const route of routes) {
      const [created] = this.httpApi.addRoutes({
        path: route.path,
        methods: [route.method],
        integration: integrations[route.area],
        ...(route.access === 'public' ? {} : { authorizer }),
      });
      if (route.access === 'public' && created) {
        Validations.of(created).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${route.method} ${route.path} is public by contract (SPEC §4).`,
        });
      }
    }

    new CfnOutput(this, 'ApiUrl', { value: stage.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: client.userPoolClientId });
  }
}
