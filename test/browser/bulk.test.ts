/**
 * Bulk actions on the ticket list in a real browser (Debian's Chromium), against the whole
 * desk: an agent checks three tickets, « Me les attribuer », hears « 3 tickets attribués. » in
 * the live region, and each ticket's history records the assignment; then « tout sélectionner »
 * and « Clore » close the three and refuse the one already closed, by name. axe finds nothing on
 * the list with its selection and its outcome. Screenshots land in `test-results/console/`.
 */
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLocalClients } from '#local/emulators.ts';
import { issueToken } from '#local/jwt.ts';
import type { TicketDetail } from '#shared/api/contract.ts';
import type { Ticket } from '#shared/domain/records.ts';
import { ticketItem } from '../support/staff.ts';
import {
  type Browser,
  expectPageClean,
  heading,
  launchBrowser,
  type PageWatch,
  signIn,
  watchPage,
} from './support/browser.ts';
import { type BrowserDesk, startBrowserDesk } from './support/desk.ts';
import { api } from './support/waiting.ts';

let desk: BrowserDesk;
let browser: Browser;
let page: Page;
let watch: PageWatch;
let agentToken: string;

const OPEN = ['LSUN-2026-00101', 'LSUN-2026-00102', 'LSUN-2026-00103'];
const CLOSED = 'LSUN-2026-00100';

function ticket(number: string, index: number, status: Ticket['status']): Ticket {
  const at = new Date(Date.UTC(2026, 11, 1, 8, index)).toISOString();
  return {
    number,
    status,
    subject: `LSUN : question ${index}`,
    requester: { email: 'camille.martin@ac-dijon.fr', name: 'Camille Martin' },
    schools: [],
    participants: ['camille.martin@ac-dijon.fr'],
    openedBy: `mail-${number}`,
    createdAt: at,
    updatedAt: at,
    messageCount: 1,
    ...(status === 'clos' ? { closedAt: at } : {}),
  };
}

beforeAll(async () => {
  desk = await startBrowserDesk();
  const { dynamodb } = makeLocalClients(desk.desk.endpoints);
  const client = DynamoDBDocumentClient.from(dynamodb);
  for (const [index, number] of [CLOSED, ...OPEN].entries()) {
    await client.send(
      new PutCommand({
        TableName: desk.desk.resources.tableName,
        Item: ticketItem(ticket(number, index, number === CLOSED ? 'clos' : 'nouveau')),
      }),
    );
  }
  dynamodb.destroy();
  browser = await launchBrowser();
  page = await browser.context.newPage();
  watch = watchPage(page);
  agentToken = await issueToken(
    { email: 'agent@ac-dijon.fr', groups: ['agent'] },
    { keyPath: desk.jwtKeyPath },
  );
  await signIn(page, desk.url, 'agent@ac-dijon.fr', '/tickets');
  await heading(page, 'Tickets');
});

afterAll(async () => {
  await browser?.close();
  await desk?.stop();
});

/** No WCAG 2.1 AA violation, no CSP violation, no script error on the page as it stands. */
const expectCleanPage = (name: string) => expectPageClean(page, watch, name);

const outcome = () => page.getByRole('status').filter({ hasText: /tickets? / });

describe('bulk actions on the ticket list', () => {
  it('assigns three checked tickets to the agent in one action, each history recording it', async () => {
    // Prepare
    for (const number of OPEN)
      await page.getByRole('checkbox', { name: `Sélectionner ${number}` }).check({ force: true });
    await expectCleanPage('tickets-selection');
    // Act
    await page.getByRole('button', { name: 'Appliquer aux 3 tickets sélectionnés' }).click();
    // Assess
    await outcome().filter({ hasText: '3 tickets attribués.' }).waitFor();
    await expectCleanPage('tickets-selection-attribues');
    for (const number of OPEN) {
      const { body } = await api<TicketDetail>(desk.url, agentToken, `/api/tickets/${number}`);
      expect(body.assignee).toBe('agent@ac-dijon.fr');
      expect(body.history.filter((line) => line.action === 'assign')).toEqual([
        expect.objectContaining({ actor: 'agent@ac-dijon.fr', to: 'agent@ac-dijon.fr' }),
      ]);
    }
    expect(await page.getByLabel(`Sélectionner ${OPEN[0]}`).isChecked()).toBe(false);
  });

  it('closes every ticket of the page, naming the one already closed', async () => {
    // Prepare
    await page.getByRole('checkbox', { name: 'Tout sélectionner sur cette page' }).check({ force: true });
    await page.getByLabel('Action', { exact: true }).selectOption({ label: 'Clore' });
    // Act
    await page.getByRole('button', { name: 'Appliquer aux 4 tickets sélectionnés' }).click();
    // Assess
    await outcome()
      .filter({ hasText: `3 tickets clos, 1 refusé : ${CLOSED} est déjà clos.` })
      .waitFor();
    await page.getByRole('table').getByText('Clos').nth(3).waitFor();
    await expectCleanPage('tickets-selection-clos');
  });
});
