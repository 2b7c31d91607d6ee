/** A task state as one response showed it, with when the request started and ended. */
export interface Observation {
  taskId: string;
  state: string;
  start: number;
  end: number;
}

/** A decision (or cancel) a client made, and how it was answered in the end. */
export interface DecisionAttempt {
  taskId: string;
  kind: 'approve' | 'reject' | 'reroute' | 'cancel';
  by: string;
  /** The final HTTP status after retries, and the problem code if any. */
  status: number;
  code?: string;
  /** Whether some attempt of it was cut by a crash before it was answered. */
  retried: boolean;
}

/** A task the gate acknowledged (201 or 200 to POST /tasks). */
export interface Acknowledged {
  taskId: string;
  scenario: string;
  idempotencyKey: string;
  agent: string;
  status: number;
}

/**
 * Everything the clients saw, for the verifier: acknowledged tasks, every state observation,
 * decisions and their answers, status counts, and any 5xx (always a bug).
 */
export class Ledger {
  readonly acknowledged = new Map<string, Acknowledged>();
  readonly observations: Observation[] = [];
  readonly decisions: DecisionAttempt[] = [];
  readonly statusCounts = new Map<string, number>();
  readonly serverErrors: Array<{ method: string; path: string; status: number; body: unknown }> = [];
  readonly scenarioOf = new Map<string, string>();
  /** Requests cut by a crash (network errors), retried. */
  retries = 0;

  count(label: string): void {
    this.statusCounts.set(label, (this.statusCounts.get(label) ?? 0) + 1);
  }

  /** Records the task(s) a response body carries. */
  observeBody(body: unknown, start: number, end: number): void {
    if (!body || typeof body !== 'object') return;
    const record = body as Record<string, unknown>;
    for (const candidate of [record, record.task, record.alternativeTask]) {
      if (candidate && typeof candidate === 'object') {
        const task = candidate as { id?: unknown; state?: unknown };
        if (typeof task.id === 'string' && typeof task.state === 'string') {
          this.observations.push({ taskId: task.id, state: task.state, start, end });
        }
      }
    }
  }
}
