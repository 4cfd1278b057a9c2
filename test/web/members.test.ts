import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserForFile } from '../support/browser';
import { type ConsoleLanguage, expectOnlyOwnRequests, shootScreen, signInToConsole } from '../support/console';
import { freshGtin, productBody, registerOrg } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';
import { addPerson, issuedPasswordOf, signIn } from '../support/people';

/**
 * An organization's admin manages its people and reads who did what in the console: the
 * invitation through the form, the invited person's first sign-in, a removal that ends their
 * token, the activity of another person's write; and a member who is no org admin kept out.
 */
let service: TestService;
let adminToken: string;
const chromium = browserForFile();
let factoryId: string;
let orgAdmin: Awaited<ReturnType<typeof addPerson>>;

interface Listed {
  userId: string;
  email: string;
  name: string;
  orgAdmin: boolean;
  status: string;
}

const listedPeople = async (orgId: string): Promise<Listed[]> => {
  const res = await service.call('GET', `/v1/organizations/${orgId}/users`, { token: adminToken });
  expect(res.status).toBe(200);
  return ((await res.json()) as { users: Listed[] }).users;
};

const WORDS = {
  'zh-CN': { people: '人员管理', activity: '操作记录', invite: '邀请人员', send: '发送邀请', remove: '移除' },
  en: { people: 'People', activity: 'Activity', invite: 'Invite a person', send: 'Send invitation', remove: 'Remove' },
} as const;

const menuLink = (page: Page, name: string) => page.getByRole('navigation').getByRole('link', { name, exact: true });

beforeAll(async () => {
  chromium.start();
  ({ service, adminToken } = await startTestServiceWithAdmin());
  ({ id: factoryId } = await registerOrg(service, 'factory', adminToken, { name: '合肥安全帽厂', region: 'CN-AH Hefei' }));
  orgAdmin = await addPerson(service, { orgId: factoryId, role: 'factory', orgAdmin: true, name: '王质量' });
}, 120_000);

afterAll(async () => {
  await chromium.close();
  await service?.stop();
});

describe("an organization's admin in the console", () => {
  it('invites a person through the form, who is then listed and signs in with the temporary password; removing them ends their token', async () => {
    const { page, requests } = await signInToConsole(await chromium.get(), service.url, orgAdmin, { path: '/members/people' });
    await page.getByRole('heading', { level: 1, name: '人员管理' }).waitFor();
    await page.getByRole('button', { name: '邀请人员' }).click();
    const dialog = page.getByRole('dialog', { name: '邀请人员加入本单位' });
    const email = `clerk-${Date.now()}@example.com`;
    await dialog.getByLabel('邮箱').fill(email);
    await dialog.getByLabel('姓名').fill('赵敏');
    await dialog.getByRole('button', { name: '发送邀请' }).click();
    await page.getByText(`已邀请赵敏：带临时密码的邀请已发送至 ${email}。`).waitFor();
    const row = page.getByRole('row', { name: new RegExp(email) });
    await row.getByText('正常').waitFor();

    const invited = (await listedPeople(factoryId)).find((user) => user.email === email);
    expect(invited).toMatchObject({ name: '赵敏', orgAdmin: false, status: 'active' });
    if (invited === undefined) throw new Error('not listed');
    const password = await issuedPasswordOf(service, invited.userId);
    if (password === undefined) throw new Error('no temporary password in the local account file');
    const newcomer = await signInToConsole(await chromium.get(), service.url, { email, password });
    await newcomer.page.getByRole('heading', { level: 2, name: '赵敏，您好' }).waitFor();
    const { accessToken } = await signIn(service.url, { email, password });
    expect((await service.call('GET', `/v1/orgs/${factoryId}`, { token: accessToken })).status).toBe(200);

    await row.getByRole('button', { name: '移除赵敏' }).click();
    await page.getByRole('tooltip').getByRole('button', { name: '移除', exact: true }).click();
    await row.getByText('已移除').waitFor();
    expect((await listedPeople(factoryId)).find((user) => user.email === email)?.status).toBe('removed');
    const refused = await service.call('GET', `/v1/orgs/${factoryId}`, { token: accessToken });
    expect([refused.status, ((await refused.json()) as { error: { code: string } }).error.code]).toEqual([403, 'USER_REMOVED']);
    expectOnlyOwnRequests(requests, service.url);
  });

  it('is told in words that the last org admin cannot be removed, and the admin stays', async () => {
    const { id: orgId } = await registerOrg(service, 'distributor', adminToken, { name: '南京劳保仓储' });
    const only = await addPerson(service, { orgId, role: 'distributor', orgAdmin: true, name: '孙仓管' });
    const { page } = await signInToConsole(await chromium.get(), service.url, only, { path: '/members/people', language: 'en' });
    const row = page.getByRole('row', { name: /孙仓管/ });
    await row.getByRole('button', { name: 'Remove 孙仓管' }).click();
    await page.getByRole('tooltip').getByRole('button', { name: 'Remove', exact: true }).click();
    await page.getByRole('alert').getByText('The last organization admin cannot be removed').waitFor();
    await page.getByText('Code: LAST_ORG_ADMIN').waitFor();
    expect((await listedPeople(orgId)).map((user) => user.status)).toEqual(['active']);
  });

  it("sees another person's write in the activity, by name and in words", async () => {
    const colleague = await addPerson(service, { orgId: factoryId, role: 'factory', name: '李工艺' });
    const gtin = freshGtin();
    const { accessToken } = await signIn(service.url, colleague);
    expect((await service.call('POST', '/v1/products', { token: accessToken, body: productBody(gtin) })).status).toBe(201);

    const { page, requests } = await signInToConsole(await chromium.get(), service.url, orgAdmin, { path: '/members/activity' });
    await page.getByRole('heading', { level: 1, name: '操作记录' }).waitFor();
    const row = page.getByRole('row', { name: /李工艺/ });
    await row.getByText('登记产品').waitFor();
    await row.getByText(gtin).waitFor();
    // Newest first: the colleague's product above the admin's own invitation and removal.
    await page.locator('.ant-table-tbody tr.ant-table-row').first().getByText('李工艺').waitFor();
    expectOnlyOwnRequests(requests, service.url);
  });

  it("lets the service's admin choose the organization by its id, shown by name", async () => {
    const { id: opsId } = await registerOrg(service, 'admin', adminToken, { name: 'TraceSeal 运营' });
    const operator = await addPerson(service, { orgId: opsId, role: 'admin', name: '周运维' });
    const { page } = await signInToConsole(await chromium.get(), service.url, operator, { path: '/members/people' });
    await page.getByText('TraceSeal 运营').waitFor();
    await page.getByLabel('单位编号').fill(factoryId);
    await page.getByRole('button', { name: '查看该单位' }).click();
    await page.getByText('合肥安全帽厂').waitFor();
    await page.getByRole('row', { name: /王质量/ }).waitFor();
    await menuLink(page, '操作记录').waitFor();
  });
});

describe('a member who is not an org admin', () => {
  it('does not see the screens in the menu and is told why at their address', async () => {
    const member = await addPerson(service, { orgId: factoryId, role: 'factory', name: '陈班长' });
    const { page } = await signInToConsole(await chromium.get(), service.url, member, { path: '/members/people' });
    await page.getByText('只有本单位的单位管理员可以管理人员、查看操作记录。').waitFor();
    expect(await menuLink(page, '首页').count()).toBe(1);
    expect(await menuLink(page, '人员管理').count()).toBe(0);
    expect(await menuLink(page, '操作记录').count()).toBe(0);
    expect(await page.getByRole('button', { name: '邀请人员' }).count()).toBe(0);
  });
});

describe('the screens in both languages', () => {
  beforeAll(async () => {
    await addPerson(service, { orgId: factoryId, role: 'factory', orgAdmin: true, name: '刘厂长' });
    await addPerson(service, { orgId: factoryId, role: 'factory', name: '黄检验员' });
    const clientToken = await service.token(factoryId, 'factory');
    expect((await service.call('POST', '/v1/products', { token: clientToken, body: productBody(freshGtin()) })).status).toBe(201);
  });

  for (const language of ['zh-CN', 'en'] as ConsoleLanguage[]) {
    it(`shows people and activity in ${language}`, async () => {
      const words = WORDS[language];
      const { page, requests } = await signInToConsole(await chromium.get(), service.url, orgAdmin, {
        path: '/members/people',
        language,
      });
      await page.getByRole('heading', { level: 1, name: words.people }).waitFor();
      await page.getByRole('row', { name: /黄检验员/ }).waitFor();
      await shootScreen(page, 'console', 'members-people', language);

      await menuLink(page, words.activity).click();
      await page.getByRole('heading', { level: 1, name: words.activity }).waitFor();
      await page
        .getByText(language === 'en' ? 'API client' : 'API 客户端')
        .first()
        .waitFor();
      await shootScreen(page, 'console', 'members-activity', language);
      expectOnlyOwnRequests(requests, service.url);
    });
  }
});
