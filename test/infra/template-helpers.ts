import type { Template } from 'aws-cdk-lib/assertions';

/** Plain-JSON views of a synthesized template, for assertions that Match cannot express. */
export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

export interface PolicyStatement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Principal?: unknown;
  Condition?: unknown;
}

export const resourcesOf = (template: Template): Record<string, CfnResource> =>
  (template.toJSON() as { Resources: Record<string, CfnResource> }).Resources;

export const resourcesOfType = (template: Template, type: string): [string, CfnResource][] =>
  Object.entries(resourcesOf(template)).filter(([, resource]) => resource.Type === type);

export const actionsOf = (statement: PolicyStatement): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

/** Every statement of the inline policies attached to a role, by the role's logical id. */
export const roleStatements = (template: Template, roleLogicalId: string): PolicyStatement[] =>
  resourcesOfType(template, 'AWS::IAM::Policy')
    .filter(([, policy]) =>
      ((policy.Properties?.Roles as unknown[]) ?? []).some(
        (role) => JSON.stringify(role) === JSON.stringify({ Ref: roleLogicalId }),
      ),
    )
    .flatMap(([, policy]) => (policy.Properties?.PolicyDocument as { Statement: PolicyStatement[] }).Statement);

/** Logical ids a value refers to through Ref, Fn::GetAtt and ${...} in Fn::Sub. */
export const referencedIds = (value: unknown, into = new Set<string>()): Set<string> => {
  if (Array.isArray(value)) {
    for (const item of value) referencedIds(item, into);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Ref' && typeof inner === 'string' && !inner.startsWith('AWS::')) into.add(inner);
      else if (key === 'Fn::GetAtt' && Array.isArray(inner) && typeof inner[0] === 'string') into.add(inner[0]);
      else if (key === 'Fn::Sub') {
        const text = Array.isArray(inner) ? inner[0] : inner;
        for (const match of String(text).matchAll(/\$\{([^}.!]+)/g)) if (match[1] !== undefined) into.add(match[1]);
        referencedIds(inner, into);
      } else referencedIds(inner, into);
    }
  }
  return into;
};

/** A cycle in the resource graph, or undefined. CloudFormation refuses such a template at deploy time. */
export const findDependencyCycle = (template: Template): string[] | undefined => {
  const resources = resourcesOf(template);
  const edges = new Map<string, string[]>();
  for (const [id, resource] of Object.entries(resources)) {
    const dependsOn = resource.DependsOn === undefined ? [] : [resource.DependsOn].flat();
    edges.set(
      id,
      [...referencedIds(resource.Properties), ...dependsOn].filter((target) => target in resources),
    );
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'visiting');
    stack.push(id);
    for (const next of edges.get(id) ?? []) {
      const cycle = visit(next);
      if (cycle !== undefined) return cycle;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of edges.keys()) {
    const cycle = visit(id);
    if (cycle !== undefined) return cycle;
  }
  return undefined;
};
