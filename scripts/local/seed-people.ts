import type { Role } from '#kernel/roles';
import type { Member } from '#registry/contract';
import { addAccount, readAccounts } from '#shared/registry/store/local-account-file';
import { createMember } from '#shared/registry/store/member-repository';
import { localAccountsFile } from './oidc-provider';
import type { DemoData } from './seed';

/** Who can sign in to the console on a fresh DATA_DIR, as printed by `npm start`. */
export interface DemoPerson {
  email: string;
  name: string;
  role: Role;
  orgId: string;
  orgAdmin: boolean;
  /** The password made for it once per DATA_DIR, kept (with its hash) in the 0600 account file. */
  password: string;
}

const demoPeople = (data: DemoData): Omit<DemoPerson, 'password'>[] => [
  // The factory's first person administers its people; the second does not.
  { email: 'quality@factory.example.com', name: '张伟 Zhang Wei', role: 'factory', orgId: data.factoryId, orgAdmin: true },
  { email: 'line@factory.example.com', name: '王芳 Wang Fang', role: 'factory', orgId: data.factoryId, orgAdmin: false },
  { email: 'clerk@distributor.example.com', name: '李娜 Li Na', role: 'distributor', orgId: data.distributorId, orgAdmin: true },
  {
    email: 'inspector@regulator.example.com',
    name: '陈强 Chen Qiang',
    role: 'regulator',
    orgId: data.regulatorId,
    orgAdmin: true,
  },
  { email: 'ops@traceseal.example.com', name: '刘洋 Liu Yang', role: 'admin', orgId: data.adminId, orgAdmin: true },
];

/**
 * One person per demo organization and role, each with a random password made once per
 * DATA_DIR: kept, not made again at each start, so a browser signed in yesterday and the
 * table printed today agree. Through the same store writes an invitation makes.
 */
export const seedDemoPeople = async (dataDir: string, data: DemoData, now = new Date()): Promise<DemoPerson[]> => {
  const file = localAccountsFile(dataDir);
  const people: DemoPerson[] = [];
  for (const person of demoPeople(data)) {
    const existing = (await readAccounts(file)).find((account) => account.email === person.email);
    if (existing !== undefined) {
      people.push({ ...person, password: existing.issuedPassword ?? '(changed)' });
      continue;
    }
    const { account, password } = await addAccount(file, person.email);
    const member: Member = {
      userId: account.userId,
      orgId: person.orgId,
      role: person.role,
      email: person.email,
      name: person.name,
      orgAdmin: person.orgAdmin,
      status: 'active',
      createdAt: now.toISOString(),
    };
    await createMember(member);
    people.push({ ...person, password });
  }
  return people;
};
