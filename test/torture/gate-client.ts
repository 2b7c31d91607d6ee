import type { Ledger } from './ledger.ts';
import { type TortureWho, tortureToken } from './principals.ts';

/** Where the gate is now: a supervisor restarts it on another port after each kill. */
export interface GateLocator {
  /** The current URL, once the gate is up. */
  whenUp(): Promise<string>;
}

/** An answer, read whole. */
export interface GateAnswer {
  status: number;
  body: any;
  /** True when an earlier attempt was cut by a crash and this is a retry. */
  retried: boolean;
}

const MAX_ATTEMPTS = 400;
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * An HTTP client of the gate that survives crashes: a request cut by a kill (connection
 * refused or reset, timeout) is sent again — same body, same idempotencyKey — once the gate is
 * back. Every answer is counted and its task states are recorded in the ledger; a 5xx is
 * recorded as a server error (API.md: always a bug).
 * @example const { status, body } = await client.call('POST', '/api/v1/tasks', 'agent1', proposal);
 */
export class GateClient {
  #gate: GateLocator;
  #ledger: Ledger;

  constructor(gate: GateLocator, ledger: Ledger) {
    this.#gate = gate;
    this.#ledger = ledger;
  }

  async call(method: 'GET' | 'POST', path: string, who: TortureWho, body?: unknown): Promise<GateAnswer> {
    let retried = false;
    for (let attempt = 1; ; attempt += 1) {
      const url = await this.#gate.whenUp();
      const start = Date.now();
      let response: Response;
      let text: string;
      try {
        response = await fetch(`${url}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${tortureToken(who)}`,
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        text = await response.text();
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS) throw new Error(`${method} ${path}: gave up after ${attempt} attempts: ${(error as Error).message}`);
        this.#ledger.retries += 1;
        retried = true;
        await sleep(20 + Math.random() * 80);
        continue;
      }
      const end = Date.now();
      const parsed = text ? JSON.parse(text) : null;
      const route = path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}(-alt)?/g, '{id}').replace(/\?.*$/, '');
      this.#ledger.count(`${method} ${route} ${response.status}${parsed?.code ? ` ${parsed.code}` : ''}`);
      if (response.status >= 500) this.#ledger.serverErrors.push({ method, path, status: response.status, body: parsed });
      if (response.ok) this.#ledger.observeBody(parsed, start, end);
      return { status: response.status, body: parsed, retried };
    }
  }
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
