import type { GateClient } from './gate-client.ts';

/** A task as GET /api/v1/tasks/{id} shows it at the end (the fields the verifier reads). */
export interface FinalTask {
  id: string;
  state: string;
  riskLevel: string | null;
  approvalId: string | null;
  verdict: { decision: string } | null;
  result: { executionId?: string } | null;
  error: { code: string; message: string } | null;
  history: Array<{ to: string }>;
}

/** An approval as GET /api/v1/approvals/{id} shows it at the end. */
export interface FinalApproval {
  id: string;
  taskId: string;
  status: string;
  requiredApprovals: number;
  approvals: Array<{ by: string }>;
}

/** What the gate says about every task the run knows of, read over HTTP after the run. */
export interface FinalView {
  tasks: Map<string, FinalTask>;
  approvals: Map<string, FinalApproval>;
  /** Task ids the gate answered 404 for: lost. */
  missing: string[];
  /** Reads answered with something else than 200 or 404 (the verifier reports them). */
  failedReads: string[];
}

/**
 * Reads every task (with history) and its approval over HTTP, `concurrency` at a time. Each
 * answer is also an observation in the ledger (the client records it).
 * @example const view = await readFinalView(client, ['019…', …], 16);
 */
export async function readFinalView(client: GateClient, taskIds: Iterable<string>, concurrency = 16): Promise<FinalView> {
  const ids = [...new Set(taskIds)];
  const view: FinalView = { tasks: new Map(), approvals: new Map(), missing: [], failedReads: [] };
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next] as string;
      next += 1;
      const answer = await client.call('GET', `/api/v1/tasks/${id}`, 'admin');
      if (answer.status === 404) {
        view.missing.push(id);
        continue;
      }
      if (answer.status !== 200) {
        view.failedReads.push(`GET /tasks/${id} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
        continue;
      }
      const task = answer.body as FinalTask;
      view.tasks.set(id, task);
      if (task.approvalId) {
        const approval = await client.call('GET', `/api/v1/approvals/${task.approvalId}`, 'admin');
        if (approval.status === 200) view.approvals.set(task.approvalId, approval.body as FinalApproval);
        else view.failedReads.push(`GET /approvals/${task.approvalId} answered ${approval.status}: ${JSON.stringify(approval.body)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return view;
}
