import { z } from 'zod';
import { scopeForRole } from '#shared/auth/principal';
import { ROLES } from '#shared/domain/types';
import { ALL_ROUTES, type RouteDefinition } from './routes';

type JsonSchema = Record<string, unknown>;

/** Named schemas (zod `.meta({ id })`) collected into components/schemas. */
const components: Record<string, JsonSchema> = {};

const liftDefinitions = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(liftDefinitions);
  if (value === null || typeof value !== 'object') return value;
  const out: JsonSchema = {};
  for (const [key, inner] of Object.entries(value as JsonSchema)) {
    if (key === '$schema' || key === 'id') continue;
    if (key === '$defs') {
      for (const [name, definition] of Object.entries(inner as JsonSchema)) {
        components[name] = liftDefinitions(definition) as JsonSchema;
      }
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

const parametersOf = (schema: z.ZodType | undefined, location: 'path' | 'query' | 'header') => {
  if (schema === undefined) return [];
  const json = toSchema(schema, 'input');
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

const operationOf = (route: RouteDefinition) => ({
  operationId: route.operationId,
  summary: route.summary,
  security: route.auth === 'public' ? [] : [{ oauth2: route.auth.map(scopeForRole) }],
  parameters: [
    ...parametersOf(route.params, 'path'),
    ...parametersOf(route.query, 'query'),
    ...parametersOf(route.headers, 'header'),
  ],
  ...(route.body === undefined
    ? {}
    : { requestBody: { required: true, content: { 'application/json': { schema: toSchema(route.body, 'input') } } } }),
  responses: Object.fromEntries(
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
                  type === 'application/json' && spec.schema !== undefined ? { schema: toSchema(spec.schema, 'output') } : {},
                ]),
              ),
            }),
      },
    ]),
  ),
});

export const buildOpenApiDocument = (options: { serverUrl?: string; tokenUrl?: string } = {}) => {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ALL_ROUTES) {
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operationOf(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'TraceSeal API',
      version: '1.0.0',
      description:
        'Signed GS1 Digital Link codes for PPE: issuance, public verification and custody. ' +
        'Errors are {"error":{"code","message","details?"}} with a stable code.',
    },
    servers: options.serverUrl === undefined ? [] : [{ url: options.serverUrl }],
    paths,
    components: {
      schemas: { ...components },
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
