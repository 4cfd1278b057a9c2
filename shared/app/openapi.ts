import { z } from 'zod';
import { scopeForRole } from '#kernel/auth/principal';
import type { RouteDefinition } from '#kernel/http/route-definition';
import { ROLES } from '#kernel/roles';
import { ALL_ROUTES } from './routes';

type JsonSchema = Record<string, unknown>;

/** Keywords whose members are names (of properties), not schema keywords. */
const NAME_MAPS = new Set(['properties', 'patternProperties', 'dependentSchemas']);

/**
 * zod schemas to OpenAPI schemas, one converter per document: named schemas (zod
 * `.meta({ id })`) are collected into its components/schemas and referenced from there.
 */
const createSchemaConverter = () => {
  const components: Record<string, JsonSchema> = {};

  const liftDefinitions = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(liftDefinitions);
    if (value === null || typeof value !== 'object') return value;
    const out: JsonSchema = {};
    for (const [key, inner] of Object.entries(value as JsonSchema)) {
      // OpenAPI 3.1 fixes the dialect for the whole document; a `$schema` inside is noise.
      if (key === '$schema') continue;
      if (key === '$defs') {
        for (const [name, definition] of Object.entries(inner as JsonSchema)) {
          components[name] = liftDefinitions(definition) as JsonSchema;
        }
        continue;
      }
      if (NAME_MAPS.has(key) && inner !== null && typeof inner === 'object') {
        // Property names are data: a property called `id` or `$schema` is a property like any other.
        out[key] = Object.fromEntries(
          Object.entries(inner as JsonSchema).map(([name, schema]) => [name, liftDefinitions(schema)]),
        );
        continue;
      }
      out[key] =
        key === '$ref' && typeof inner === 'string' ? inner.replace('#/$defs/', '#/components/schemas/') : liftDefinitions(inner);
    }
    return out;
  };

  /** JSON Schema 2020-12 is OpenAPI 3.1's own dialect, so zod's output goes in nearly as it is. */
  const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema =>
    liftDefinitions(z.toJSONSchema(schema, { io, unrepresentable: 'any' })) as JsonSchema;

  /** A named object schema comes out as a `$ref`: its properties are those of the component. */
  const objectOf = (json: JsonSchema): JsonSchema => {
    const ref = json.$ref;
    if (typeof ref !== 'string') return json;
    return components[ref.replace('#/components/schemas/', '')] ?? json;
  };

  const parametersOf = (schema: z.ZodType | undefined, location: 'path' | 'query' | 'header') => {
    if (schema === undefined) return [];
    const json = objectOf(toSchema(schema, 'input'));
    const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((json.required ?? []) as string[]);
    return Object.entries(properties).map(([name, property]) => ({
      name,
      in: location,
      required: location === 'path' || required.has(name),
      ...(typeof property.description === 'string' ? { description: property.description } : {}),
      schema: property,
    }));
  };

  return { components, toSchema, parametersOf };
};

type SchemaConverter = ReturnType<typeof createSchemaConverter>;

const PATH_PARAMETER = /\{([^}]+)\}/g;

/**
 * API Gateway's greedy `{name+}` catch-alls (they answer malformed Digital Link paths) have no
 * OpenAPI form: a path parameter never spans segments, so a generated client would
 * percent-encode the slashes, and `/01/{proxy+}` is the same template as `/01/{gtin}`. They
 * are not operations to call, so the document leaves them out.
 */
export const isDescribedRoute = (route: RouteDefinition): boolean => !/\{[^}]+\+\}/.test(route.path);

/**
 * The path's `{name}`s and the route's params schema must name the same parameters: a
 * generated client builds URLs from the parameters declared here, and the validation
 * middleware checks only what the schema names.
 */
const pathParametersOf = ({ parametersOf }: SchemaConverter, route: RouteDefinition) => {
  const inPath = [...route.path.matchAll(PATH_PARAMETER)].map((match) => match[1] ?? '');
  const declared = parametersOf(route.params, 'path');
  const declaredNames = declared.map((parameter) => parameter.name);
  const missing = inPath.filter((name) => !declaredNames.includes(name));
  const extra = declaredNames.filter((name) => !inPath.includes(name));
  if (missing.length > 0 || extra.length > 0) {
    throw new Error(
      `Route ${route.operationId} (${route.path}): its params schema must declare exactly the path's parameters` +
        ` (missing: ${missing.join(', ') || 'none'}; not in the path: ${extra.join(', ') || 'none'})`,
    );
  }
  return declared;
};

/**
 * Answers the gateway gives on every route before any function runs, so they are not in
 * the route table: API Gateway's per-route throttle (infra/constructs/http-api.ts).
 */
const GATEWAY_RESPONSES = {
  429: {
    description: 'Too many requests: the route is throttled (API Gateway). Retry with backoff.',
    content: {
      'application/json': {
        schema: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
      },
    },
  },
} as const;

/** The schema describes the JSON bodies (`application/json`, `application/linkset+json`, …), not HTML or CSV. */
const isJson = (type: string): boolean => type === 'application/json' || type.endsWith('+json');

/**
 * A route that answers 429 itself (an error body with a stable code and Retry-After) may
 * also get the gateway's throttle answer: its 429 documents both bodies.
 */
const withGatewayAnswers = (
  responses: Record<string, { description: string; content?: Record<string, { schema?: unknown }> }>,
) => {
  const own = responses['429'];
  const ownSchema = own?.content?.['application/json']?.schema;
  const gateway = GATEWAY_RESPONSES[429];
  if (own === undefined || ownSchema === undefined) return { ...responses, ...GATEWAY_RESPONSES };
  return {
    ...responses,
    429: {
      description: `${own.description}; or ${gateway.description[0]?.toLowerCase()}${gateway.description.slice(1)}`,
      headers: {
        'Retry-After': {
          description: "Seconds to wait before retrying (on the route's own answer)",
          schema: { type: 'integer' },
        },
      },
      content: { 'application/json': { schema: { anyOf: [ownSchema, gateway.content['application/json'].schema] } } },
    },
  };
};

const responsesOf = ({ toSchema }: SchemaConverter, route: RouteDefinition) =>
  withGatewayAnswers(
    Object.fromEntries(
      Object.entries(route.responses).map(([status, spec]) => [
        status,
        {
          description: spec.description,
          ...(spec.schema === undefined && spec.contentTypes === undefined
            ? {}
            : {
                content: Object.fromEntries(
                  (spec.contentTypes ?? ['application/json']).map((type) => [
                    type,
                    isJson(type) && spec.schema !== undefined ? { schema: toSchema(spec.schema, 'output') } : {},
                  ]),
                ),
              }),
        },
      ]),
    ),
  );

const operationOf = (converter: SchemaConverter, route: RouteDefinition) => ({
  operationId: route.operationId,
  summary: route.summary,
  security: route.auth === 'public' ? [] : [{ oauth2: route.auth.map(scopeForRole) }],
  parameters: [
    ...pathParametersOf(converter, route),
    ...converter.parametersOf(route.query, 'query'),
    ...converter.parametersOf(route.headers, 'header'),
  ],
  ...(route.body === undefined
    ? {}
    : { requestBody: { required: true, content: { 'application/json': { schema: converter.toSchema(route.body, 'input') } } } }),
  responses: responsesOf(converter, route),
});

export interface OpenApiOptions {
  /**
   * Base URL of the API (the host that serves codes, verification and the API alike).
   * @default '/' - the host that served the document
   */
  serverUrl?: string;
  /** @default '/oauth2/token' */
  tokenUrl?: string;
  /** @default ALL_ROUTES */
  routes?: readonly RouteDefinition[];
}

export const buildOpenApiDocument = (options: OpenApiOptions = {}) => {
  const converter = createSchemaConverter();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of (options.routes ?? ALL_ROUTES).filter(isDescribedRoute)) {
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operationOf(converter, route);
  }
  // Paths are absolute (`/v1/…`, `/01/…`), so the server is the bare origin.
  const serverUrl = options.serverUrl?.replace(/\/+$/, '') || '/';
  return {
    openapi: '3.1.0',
    info: {
      title: 'TraceSeal API',
      version: '1.0.0',
      description:
        'Signed GS1 Digital Link codes for PPE: issuance, public verification and custody. ' +
        'Errors are {"error":{"code","message","details?"}} with a stable code.',
    },
    servers: [{ url: serverUrl }],
    paths,
    components: {
      schemas: converter.components,
      securitySchemes: {
        oauth2: {
          type: 'oauth2',
          description: 'Client-credentials access token of your organization; one scope per role.',
          flows: {
            clientCredentials: {
              tokenUrl: options.tokenUrl ?? '/oauth2/token',
              scopes: Object.fromEntries(ROLES.map((role) => [scopeForRole(role), `Act as ${role}`])),
            },
          },
        },
      },
    },
  };
};
