import { SimulatedClock } from '../../../src/engine/clock.ts';
import { createEngine } from '../../../src/engine/engine.ts';
import type { Engine } from '../../../src/engine/engine-types.ts';
import type { Executor } from '../../../src/engine/executor.ts';
import type { Principal } from '../../../src/model/principal.ts';
import { createApp, type TollgateApp } from '../../../src/server/app.ts';
import type { RequestLimitOptions } from '../../../src/server/request-limits.ts';
import type { TokenGrant } from '../../../src/server/tokens-file.ts';
import { createMemoryStore } from '../../../src/store/memory.ts';
import type { Store } from '../../../src/store/store.ts';

/** The test principals, by name. */
export const PRINCIPALS = {
  agent: { id: 'agent-1', roles: ['agent'] },
  agent2: { id: 'agent-2', roles: ['agent'] },
  alice: { id: 'alice', roles: ['approver'], maxRisk: 'critical' },
  bob: { id: 'bob', roles: ['approver'], maxRisk: 'critical' },
  carol: { id: 'carol', roles: ['approver'] },
  sam: { id: 'sam', roles: ['agent', 'approver'], maxRisk: 'critical' },
  mel: { id: 'mel', roles: ['approver'], maxRisk: 'medium' },
  opsAgent: { id: 'ops-agent', roles: ['agent'], department: 'ops' },
  viewer: { id: 'viewer', roles: ['observer'] },
  admin: { id: 'admin', roles: ['admin'] },
} satisfies Record<string, Principal>;
export type Who = keyof typeof PRINCIPALS;

/** A token per principal: deterministic, long enough for the tokens schema. */
export const tokenOf = (who: Who): string => `test-token-${who}`.padEnd(32, '0');
export const GRANTS: TokenGrant[] = Object.entries(PRINCIPALS).map(([who, principal]) => ({ token: tokenOf(who as Who), principal }));

/** A request as tests write it. */
export interface Call {
  as?: Who | null;
  body?: unknown;
  /** A raw body (string or bytes), sent as is. */
  raw?: string | Uint8Array;
  headers?: Record<string, string>;
}

/** An answer, read whole. */
export interface Answer {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

/**
 * The HTTP app over a fresh engine on the memory store, with the default policy and a
 * simulated clock, called in-process with `app.request`.
 */
export class AppHarness {
  readonly clock = new SimulatedClock(Date.parse('2026-03-01T09:00:00.000Z'));
  readonly store: Store;
  readonly engine: Engine;
  readonly app: TollgateApp;
  readonly shutdown = new AbortController();

  constructor(options: { executor?: Executor; heartbeatMs?: number; maxBodyBytes?: number; limits?: RequestLimitOptions } = {}) {
    this.store = createMemoryStore();
    this.engine = createEngine({ store: this.store, clock: this.clock, ...(options.executor ? { executor: options.executor } : {}) });
    this.app = createApp({
      engine: this.engine,
      tokens: GRANTS,
      signal: this.shutdown.signal,
      heartbeatMs: options.heartbeatMs ?? 15_000,
      ...(options.maxBodyBytes ? { maxBodyBytes: options.maxBodyBytes } : {}),
      ...(options.limits ? { limits: options.limits } : {}),
    });
  }

  /** Sends a request; `as` picks the bearer token (default: agent; null: none). */
  async call(method: string, path: string, call: Call = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...call.headers };
    const who = call.as === undefined ? 'agent' : call.as;
    if (who !== null && headers.authorization === undefined) headers.authorization = `Bearer ${tokenOf(who)}`;
    let body: string | Uint8Array | undefined = call.raw;
    if (call.body !== undefined) {
      body = JSON.stringify(call.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await this.app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  }

  /** Submits a task as an agent and returns it (expects 201). */
  async submit(proposal: Record<string, unknown>, as: Who = 'agent'): Promise<any> {
    const answer = await this.call('POST', '/api/v1/tasks', { as, body: proposal });
    if (answer.status !== 201) throw new Error(`submit answered ${answer.status}: ${answer.text}`);
    return answer.body.task;
  }

  async close(): Promise<void> {
    this.shutdown.abort();
    await this.engine.close({ timeoutMs: 2_000 });
    await this.store.close();
  }
}

/** Proposals whose path through the default policy is known. */
export const PROPOSALS = {
  /** low risk: cleared at once. */
  auto: { actionType: 'code:read', title: 'Read the billing module', args: { path: 'src/billing.ts' } },
  /** high risk at semi autonomy: one approval. */
  human: { actionType: 'vcs:push', title: 'Push the release branch', args: { branch: 'release/1.4' } },
  /** critical: two distinct approvers. */
  critical: { actionType: 'deploy:production', title: 'Deploy 1.4.0', args: { version: '1.4.0' } },
  /** a detector denies it whatever the autonomy. */
  dangerous: { actionType: 'tool:invoke', title: 'Free disk space', args: { command: 'sudo rm -rf /' } },
} as const;

/** Asserts the five problem+json fields and returns the code. */
export function problemCode(answer: Answer): string {
  const { body } = answer;
  const ok =
    answer.headers.get('content-type')?.startsWith('application/problem+json') &&
    typeof body?.type === 'string' &&
    typeof body?.title === 'string' &&
    body?.status === answer.status &&
    typeof body?.detail === 'string' &&
    typeof body?.code === 'string';
  if (!ok) throw new Error(`not a problem+json answer: ${answer.status} ${answer.headers.get('content-type')} ${answer.text.slice(0, 300)}`);
  return body.code;
}
