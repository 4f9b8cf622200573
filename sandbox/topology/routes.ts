import { UnsupportedTemplateError } from '../errors.ts';
import type { TemplateResolver } from '../intrinsics.ts';
import { resourcesOfType, type CfnTemplate } from '../template.ts';
import type { FunctionSpec } from './functions.ts';

export interface JwtAuthorizerSpec {
  readonly logicalId: string;
  readonly issuer: string;
  readonly audience: string[];
  /** Where the token comes from, e.g. `$request.header.Authorization`. */
  readonly identitySource: string;
}

export interface RouteSpec {
  readonly logicalId: string;
  /** `GET /products/{productId}`, `ANY /{proxy+}` or `$default`. */
  readonly routeKey: string;
  readonly functionLogicalId: string;
  readonly authorizer: JwtAuthorizerSpec | undefined;
}

export interface HttpApiSpec {
  readonly apiId: string;
  readonly routes: RouteSpec[];
  readonly authorizers: JwtAuthorizerSpec[];
}

/** The HTTP API: each route's key, the function its Lambda proxy integration calls, and its JWT authorizer. */
export function readHttpApi(template: CfnTemplate, resolver: TemplateResolver, functions: readonly FunctionSpec[]): HttpApiSpec {
  const [api, ...otherApis] = resourcesOfType(template, 'AWS::ApiGatewayV2::Api');
  if (otherApis.length > 0) throw new UnsupportedTemplateError('The sandbox serves a single HTTP API');
  const functionIds = new Map(functions.map((f) => [f.arn, f.logicalId]));
  const integrations = new Map(
    resourcesOfType(template, 'AWS::ApiGatewayV2::Integration').map(([logicalId, resource]) => {
      const prop = (key: string) => resolver.resolve(resource.Properties?.[key]);
      if (prop('PayloadFormatVersion') !== '2.0') {
        throw new UnsupportedTemplateError(`${logicalId}: only payload format 2.0 integrations are emulated`);
      }
      const functionArn = lambdaArnOf(String(prop('IntegrationUri')));
      const functionLogicalId = functionIds.get(functionArn);
      if (!functionLogicalId) throw new UnsupportedTemplateError(`${logicalId}: integration target ${functionArn} is not a sandbox function`);
      return [resolver.ref(logicalId), functionLogicalId] as const;
    }),
  );
  const authorizers = new Map(
    resourcesOfType(template, 'AWS::ApiGatewayV2::Authorizer').map(([logicalId, resource]) => {
      const prop = (key: string) => resolver.resolve(resource.Properties?.[key]);
      if (prop('AuthorizerType') !== 'JWT') throw new UnsupportedTemplateError(`${logicalId}: only JWT authorizers are emulated`);
      const jwt = prop('JwtConfiguration') as { Issuer: string; Audience: string[] };
      const [identitySource = '$request.header.Authorization'] = (prop('IdentitySource') as string[] | undefined) ?? [];
      return [resolver.ref(logicalId), { logicalId, issuer: jwt.Issuer, audience: jwt.Audience, identitySource }] as const;
    }),
  );

  const routes = resourcesOfType(template, 'AWS::ApiGatewayV2::Route').map(([logicalId, resource]) => {
    const prop = (key: string) => resolver.resolve(resource.Properties?.[key]);
    const target = String(prop('Target'));
    const functionLogicalId = integrations.get(target.replace(/^integrations\//, ''));
    if (!functionLogicalId) throw new UnsupportedTemplateError(`${logicalId}: unknown route target ${target}`);
    const authorizationType = prop('AuthorizationType') ?? 'NONE';
    if (authorizationType !== 'NONE' && authorizationType !== 'JWT') {
      throw new UnsupportedTemplateError(`${logicalId}: ${String(authorizationType)} authorization is not emulated`);
    }
    const authorizer = authorizationType === 'JWT' ? authorizers.get(String(prop('AuthorizerId'))) : undefined;
    if (authorizationType === 'JWT' && !authorizer) throw new UnsupportedTemplateError(`${logicalId}: unknown authorizer`);
    return { logicalId, routeKey: String(prop('RouteKey')), functionLogicalId, authorizer };
  });

  return { apiId: api ? resolver.ref(api[0]) : 'local', routes, authorizers: [...authorizers.values()] };
}

/** HTTP APIs take the function ARN; the long `…:lambda:path/…/functions/<arn>/invocations` form is accepted too. */
function lambdaArnOf(integrationUri: string): string {
  const match = /\/functions\/(.+)\/invocations$/.exec(integrationUri);
  return match?.[1] ?? integrationUri;
}
