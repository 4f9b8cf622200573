import { describe, expect, it } from 'vitest';
import { routes } from '../../lib/api.ts';
import { settings } from '../../lib/settings.ts';
import { appFunctions, refId, resource, single } from './inspect.ts';
import { synthesize } from './synth.ts';

const synthesized = synthesize({ bundling: false });
const { template } = synthesized;
const functions = appFunctions(synthesized);

const [userPoolId] = single(template, 'AWS::Cognito::UserPool');
const [clientId] = single(template, 'AWS::Cognito::UserPoolClient');
const [authorizerId, authorizer] = single(template, 'AWS::ApiGatewayV2::Authorizer');
const routeResources = Object.values(template.findResources('AWS::ApiGatewayV2::Route'));

function routeFor(routeKey: string) {
  const found = routeResources.filter((r) => r.Properties.RouteKey === routeKey);
  expect(found, `routes with key ${routeKey}`).toHaveLength(1);
  return found[0]!.Properties;
}

/** The function a route invokes: route target → integration → IntegrationUri. */
function entryBehind(route: { Target: { 'Fn::Join': [string, [string, { Ref: string }]] } }) {
  const [prefix, integrationRef] = route.Target['Fn::Join'][1];
  expect(prefix).toBe('integrations/');
  const integration = resource(template, refId(integrationRef));
  return functions.find((f) => f.logicalId === refId(integration.Properties.IntegrationUri))?.entry;
}

describe('routes', () => {
  it('are exactly the routes of lib/api.ts: none missing, none extra', () => {
    expect(routeResources.map((r) => r.Properties.RouteKey).sort()).toEqual(
      routes.map((r) => `${r.method} ${r.path}`).sort(),
    );
  });

  describe.each(routes)('$method $path ($access)', ({ method, path, access, area }) => {
    const routeKey = `${method} ${path}`;

    it(`invokes the ${area} function`, () => {
      expect(entryBehind(routeFor(routeKey))).toBe(`lambdas/${area === 'events' ? 'metrics' : area}/api.ts`);
    });

    if (access === 'public') {
      it('needs no token', () => {
        const route = routeFor(routeKey);
        expect(route.AuthorizationType).toBe('NONE');
        expect(route.AuthorizerId).toBeUndefined();
      });
    } else {
      it('needs a valid JWT from the user pool', () => {
        const route = routeFor(routeKey);
        expect(route.AuthorizationType).toBe('JWT');
        expect(route.AuthorizerId).toEqual({ Ref: authorizerId });
      });
    }
  });
});

describe('authentication', () => {
  it('the authorizer checks bearer JWTs issued by the user pool for the API client', () => {
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: clientId }],
        Issuer: {
          'Fn::Join': ['', ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.amazonaws.com/', { Ref: userPoolId }]],
        },
      },
    });
  });

  it('the user pool has the `admin` group that admin routes require', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', {
      GroupName: 'admin',
      UserPoolId: { Ref: userPoolId },
    });
  });
});

describe('integrations and stage', () => {
  it('every integration is a Lambda proxy with payload format 2.0', () => {
    const integrations = Object.values(template.findResources('AWS::ApiGatewayV2::Integration'));
    expect(integrations.length).toBeGreaterThan(0);
    for (const integration of integrations) {
      expect(integration.Properties).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
    }
  });

  const [, stage] = single(template, 'AWS::ApiGatewayV2::Stage');

  it('the $default stage deploys automatically and throttles with the limits of lib/settings.ts', () => {
    expect(stage.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: settings.apiRateLimit,
        ThrottlingBurstLimit: settings.apiBurstLimit,
      },
    });
  });

  it('the stage writes JSON access logs to a log group with retention', () => {
    const { DestinationArn, Format } = stage.Properties.AccessLogSettings;
    const logGroup = resource(template, refId(DestinationArn));
    expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
    expect(logGroup.Properties.RetentionInDays).toBeGreaterThan(0);
    expect(JSON.parse(Format)).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
  });
});
