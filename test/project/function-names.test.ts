import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '#shared/app/routes';
import { HTTP_FUNCTIONS } from '../../infra/constructs/route-functions';
import { TraceSealFunction } from '../../infra/constructs/traceseal-function';
import { logicalIdOf, type Synthesized, synthesize } from '../infra/synth';
import { resourcesOfType } from '../infra/template-helpers';

/**
 * One naming pattern for the Lambda folders: verb-object, the verb from the closed list below
 * (docs/architecture.md, "Lambda folders", says what each means; this list decides). The verb
 * says what kind of function it is, and what the stack wires to the function has to agree, so
 * neither a fourth pattern nor a verb that misdescribes its function can creep in.
 */
const ROOT = resolve(import.meta.dirname, '../..');

type Kind = 'reads' | 'writes one' | 'serves several' | 'domain action' | 'queue worker' | 'scheduled' | 'trigger';
const VERBS: Readonly<Record<string, Kind>> = {
  get: 'reads',
  list: 'reads',
  read: 'reads',
  create: 'writes one',
  update: 'writes one',
  delete: 'writes one',
  manage: 'serves several',
  verify: 'domain action',
  record: 'domain action',
  query: 'domain action',
  unblock: 'domain action',
  process: 'queue worker',
  run: 'scheduled',
  authorize: 'trigger',
  add: 'trigger',
  rotate: 'trigger',
};

const FOLDERS = readdirSync(join(ROOT, 'functions')).filter((name) => statSync(join(ROOT, 'functions', name)).isDirectory());
const kindOf = (name: string): Kind | undefined => VERBS[name.split('-')[0] ?? ''];
const routesOf = (name: string) => Object.values(ROUTES).filter((route) => route.functionName === name);

describe('the folders under functions/', () => {
  it.each(FOLDERS)('%s is verb-object, its verb from the list, with a handler.ts', (name) => {
    expect(name).toMatch(/^[a-z]+(-[a-z0-9]+)+$/);
    expect(Object.keys(VERBS)).toContain(name.split('-')[0]);
    expect(existsSync(join(ROOT, 'functions', name, 'handler.ts'))).toBe(true);
  });

  it('serve routes as their verb says: reads only GET, a create/update/delete one write, manage several', () => {
    const wrong = [...new Set(Object.values(ROUTES).map((route) => route.functionName))].filter((name) => {
      const routes = routesOf(name);
      switch (kindOf(name)) {
        case 'reads':
          return routes.some((route) => route.method !== 'GET');
        case 'writes one':
          return routes.length !== 1 || routes[0]?.method === 'GET';
        case 'serves several':
          return routes.length < 2;
        case 'domain action':
          return false;
        default:
          return true;
      }
    });
    expect(wrong).toEqual([]);
  });

  it('name a renamed route function by its former name only in HTTP_FUNCTIONS, never a folder of today', () => {
    const former = Object.values(HTTP_FUNCTIONS).flatMap((settings) => settings.formerName ?? []);
    expect(former.filter((name) => FOLDERS.includes(name))).toEqual([]);
    expect(new Set(former).size).toBe(former.length);
  });
});

describe('the functions of the stack', () => {
  let synthesized: Synthesized;
  let made: TraceSealFunction[];
  beforeAll(() => {
    synthesized = synthesize();
    made = synthesized.stack.node.findAll().filter((construct) => construct instanceof TraceSealFunction);
  });

  it('are the folders under functions/, each made once: no folder is left unused', () => {
    expect(made.map((fn) => fn.folderName).sort()).toEqual([...FOLDERS].sort());
  });

  it('are listed by their own folder name', () => {
    expect([...synthesized.stack.functions].filter(([name, fn]) => name !== fn.folderName)).toEqual([]);
    expect(synthesized.stack.functions.size).toBe(made.length);
  });

  it('that serve no route are workers or triggers: process- fed by a queue or stream, run- by a schedule', () => {
    const referencing = (type: string): string[] =>
      resourcesOfType(synthesized.template, type).map(([, resource]) => JSON.stringify(resource.Properties));
    const fedBy = (fn: TraceSealFunction, sources: string[]) => sources.some((json) => json.includes(`"${logicalIdOf(fn)}"`));
    const mappings = referencing('AWS::Lambda::EventSourceMapping');
    const schedules = referencing('AWS::Events::Rule');
    const withoutRoutes = made.filter((fn) => routesOf(fn.folderName).length === 0);
    expect(withoutRoutes.length).toBeGreaterThan(0);
    for (const fn of withoutRoutes)
      expect(['queue worker', 'scheduled', 'trigger'], fn.folderName).toContain(kindOf(fn.folderName));
    for (const fn of made) {
      expect(fedBy(fn, mappings), fn.folderName).toBe(kindOf(fn.folderName) === 'queue worker');
      expect(fedBy(fn, schedules), fn.folderName).toBe(kindOf(fn.folderName) === 'scheduled');
    }
  });
});
