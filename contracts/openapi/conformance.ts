import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/**
 * Checks an HTTP exchange against the OpenAPI document: the route is documented (or API Gateway
 * answered 404 for no route), the status is one the operation lists, its required headers are
 * there and well-formed, and the body has a documented media type and matches its schema
 * (JSON Schema 2020-12, as OpenAPI 3.1 uses). The integration tests run every response through it.
 */

// ajv-formats is CommonJS: imported from ESM, its plugin is the module's `default` export.
const addFormats = addFormatsModule.default;

export interface Exchange {
  method: string;
  /** The request path, with or without its query string. */
  path: string;
  status: number;
  headers: { get(name: string): string | null };
  body: string;
}

interface ResponseObject {
  $ref?: string;
  content?: Record<string, { schema: unknown }>;
  headers?: Record<string, { required?: boolean; schema: unknown }>;
}

interface Document {
  paths: Record<string, Record<string, { responses: Record<string, ResponseObject> }>>;
  components?: { responses?: Record<string, ResponseObject> };
}

const DOCUMENT_ID = 'openapi.json';
const fragment = (segments: string[]) => segments.map((segment) => encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');

export class ConformanceChecker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly templates: Array<{ path: string; pattern: RegExp; parameters: number }>;

  constructor(private readonly document: Document) {
    addFormats(this.ajv);
    // Schemas point at each other inside the document (#/components/schemas/…): add it whole.
    this.ajv.addSchema(document as object, DOCUMENT_ID, undefined, false);
    // OpenAPI: a concrete path wins over a templated one of the same shape.
    this.templates = Object.keys(document.paths)
      .map((path) => ({
        path,
        pattern: new RegExp(`^${path.split(/\{\w+\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')).join('[^/]+')}$`),
        parameters: (path.match(/\{\w+\}/g) ?? []).length,
      }))
      .sort((a, b) => a.parameters - b.parameters);
  }

  /** What is wrong with the exchange; empty when it conforms. */
  problems(exchange: Exchange): string[] {
    const path = exchange.path.split('?')[0]!;
    const method = exchange.method.toLowerCase();
    const template = this.templates.find((candidate) => candidate.pattern.test(path) && this.document.paths[candidate.path]![method]);
    if (!template) {
      // API Gateway's own answer to a route it does not have: not part of the API, so not in the document.
      if (exchange.status === 404 && (this.parse(exchange.body) as { message?: unknown } | undefined)?.message === 'Not Found') return [];
      return [`${exchange.method} ${path} is not an operation of the document, yet was answered ${exchange.status}`];
    }
    const responses = this.document.paths[template.path]![method]!.responses;
    const status = String(exchange.status);
    if (!responses[status]) return [`status ${status} is not documented (documented: ${Object.keys(responses).join(', ')})`];
    let pointer = ['paths', template.path, method, 'responses', status];
    let response = responses[status];
    if (response.$ref) {
      const name = response.$ref.replace('#/components/responses/', '');
      pointer = ['components', 'responses', name];
      response = this.document.components!.responses![name]!;
    }
    return [...this.headerProblems(response, pointer, exchange), ...this.bodyProblems(response, pointer, exchange)];
  }

  private headerProblems(response: ResponseObject, pointer: string[], exchange: Exchange): string[] {
    return Object.entries(response.headers ?? {}).flatMap(([name, header]) => {
      const value = exchange.headers.get(name);
      if (value === null) return header.required ? [`header ${name} is required`] : [];
      return this.schemaProblems([...pointer, 'headers', name, 'schema'], value, `header ${name}`);
    });
  }

  private bodyProblems(response: ResponseObject, pointer: string[], exchange: Exchange): string[] {
    if (!response.content) return exchange.body === '' ? [] : ['the response has a body, and the document says it has none'];
    const mediaType = (exchange.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!response.content[mediaType]) return [`content-type "${mediaType}" is not documented (documented: ${Object.keys(response.content).join(', ')})`];
    const body = this.parse(exchange.body);
    if (body === undefined) return ['the body is not JSON'];
    return this.schemaProblems([...pointer, 'content', mediaType, 'schema'], body, 'body');
  }

  private schemaProblems(pointer: string[], value: unknown, what: string): string[] {
    const key = fragment(pointer);
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${DOCUMENT_ID}#/${key}` });
      this.validators.set(key, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((error) => `${what}${error.instancePath || ''} ${error.message ?? 'is invalid'}${error.params && Object.keys(error.params).length > 0 ? ` ${JSON.stringify(error.params)}` : ''}`);
  }

  private parse(body: string): unknown {
    try {
      return JSON.parse(body);
    } catch {
      return undefined;
    }
  }
}
