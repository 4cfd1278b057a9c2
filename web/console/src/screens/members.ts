import { lazy } from 'react';
import type { Person } from '../auth/session';
import { ACTIVITY_PATH, PEOPLE_PATH } from './members/paths';
import type { ScreenDefinition } from './screen-definition';

/** An organization's own admins manage its people and read its activity, and so do the service's admins. */
const managesPeople = (person: Person): boolean => person.orgAdmin || person.role === 'admin';

const PeopleScreen = lazy(() => import('./members/people-screen').then((m) => ({ default: m.PeopleScreen })));
const ActivityScreen = lazy(() => import('./members/activity-screen').then((m) => ({ default: m.ActivityScreen })));
const MembersRefusal = lazy(() => import('./members/members-refusal').then((m) => ({ default: m.MembersRefusal })));

/**
 * The members screens. Anyone else who opens their address (a link passed on, a bookmark)
 * is told why not, rather than shown "no such page": the same paths, hidden from the menu.
 */
export const MEMBERS_SCREENS: readonly ScreenDefinition[] = [
  { path: PEOPLE_PATH, labelKey: 'members.people.title', area: 'members', allows: managesPeople, Screen: PeopleScreen },
  { path: ACTIVITY_PATH, labelKey: 'members.activity.title', area: 'members', allows: managesPeople, Screen: ActivityScreen },
  ...[PEOPLE_PATH, ACTIVITY_PATH].map((path) => ({
    path,
    labelKey: 'members.refusal.title',
    area: 'members',
    hidden: true,
    allows: (person: Person) => !managesPeople(person),
    Screen: MembersRefusal,
  })),
];
