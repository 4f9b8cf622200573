/** A route key's path segment: `orders` (literal), `{orderId}` (one segment) or `{proxy+}` (the rest). */
type Segment = { readonly kind: 'literal'; readonly value: string } | { readonly kind: 'parameter' | 'greedy'; readonly name: string };

interface CompiledRoute<T> {
  readonly route: T;
  /** undefined = the `$default` route. */
  readonly method: string | undefined;
  readonly segments: readonly Segment[];
}

interface RouteMatch<T> {
  readonly route: T;
  readonly pathParameters: Readonly<Record<string, string>>;
}

/** How specific a segment is: a literal beats a parameter, which beats a greedy parameter. */
const SPECIFICITY = { literal: 2, parameter: 1, greedy: 0 } as const;

/**
 * HTTP API route selection: among the routes whose method (or ANY) and path match, the most specific
 * wins — compared segment by segment, then an exact method over ANY — and `$default` catches the rest.
 */
export class RouteTable<T extends { readonly routeKey: string }> {
  private readonly routes: ReadonlyArray<CompiledRoute<T>>;

  constructor(routes: readonly T[]) {
    this.routes = routes.map((route) => compile(route));
  }

  match(method: string, rawPath: string): RouteMatch<T> | undefined {
    const pathSegments = rawPath.split('/').slice(1);
    const candidates: Array<{ compiled: CompiledRoute<T>; pathParameters: Record<string, string> }> = [];
    for (const compiled of this.routes) {
      if (compiled.method === undefined) continue;
      if (compiled.method !== 'ANY' && compiled.method !== method) continue;
      const pathParameters = matchSegments(compiled.segments, pathSegments);
      if (pathParameters) candidates.push({ compiled, pathParameters });
    }
    candidates.sort((a, b) => compareSpecificity(b.compiled, a.compiled));
    const [best] = candidates;
    if (best) return { route: best.compiled.route, pathParameters: best.pathParameters };
    const fallback = this.routes.find((compiled) => compiled.method === undefined);
    return fallback && { route: fallback.route, pathParameters: {} };
  }
}

function compile<T extends { readonly routeKey: string }>(route: T): CompiledRoute<T> {
  if (route.routeKey === '$default') return { route, method: undefined, segments: [] };
  const [method = '', path = '/'] = route.routeKey.split(' ');
  const segments = path
    .split('/')
    .slice(1)
    .map((segment): Segment => {
      const parameter = /^\{([^}+]+)(\+?)\}$/.exec(segment);
      if (!parameter) return { kind: 'literal', value: segment };
      return { kind: parameter[2] ? 'greedy' : 'parameter', name: parameter[1]! };
    });
  return { route, method: method.toUpperCase(), segments };
}

function matchSegments(segments: readonly Segment[], path: readonly string[]): Record<string, string> | undefined {
  const parameters: Record<string, string> = {};
  for (const [index, segment] of segments.entries()) {
    if (segment.kind === 'greedy') {
      const rest = path.slice(index);
      if (rest.length === 0 || rest.join('/') === '') return undefined;
      parameters[segment.name] = decode(rest.join('/'));
      return parameters;
    }
    const value = path[index];
    if (value === undefined) return undefined;
    if (segment.kind === 'literal') {
      if (segment.value !== value) return undefined;
    } else {
      if (value === '') return undefined;
      parameters[segment.name] = decode(value);
    }
  }
  return segments.length === path.length ? parameters : undefined;
}

/** Positive when `a` is more specific than `b`. */
function compareSpecificity<T>(a: CompiledRoute<T>, b: CompiledRoute<T>): number {
  const length = Math.max(a.segments.length, b.segments.length);
  for (let index = 0; index < length; index += 1) {
    const left = a.segments[index];
    const right = b.segments[index];
    if (!left || !right) return left ? 1 : -1;
    const difference = SPECIFICITY[left.kind] - SPECIFICITY[right.kind];
    if (difference !== 0) return difference;
  }
  return Number(a.method !== 'ANY') - Number(b.method !== 'ANY');
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
