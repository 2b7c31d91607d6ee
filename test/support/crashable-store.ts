import type { Store } from '../../src/store/store.ts';
import type { CommitReceipt, TaskCommit } from '../../src/store/task-record.ts';

/**
 * Wraps a store so a test can pull the plug: after `cutAfter(n)`, the next n commits go
 * through and every later one fails before reaching the database — as if the process died
 * at that instant. Reads keep working (the next process would read the same file).
 */
export class CrashableStore implements Store {
  readonly kind: string;
  readonly shared: boolean;
  #inner: Store;
  #remaining = Number.POSITIVE_INFINITY;

  constructor(inner: Store) {
    this.#inner = inner;
    this.kind = inner.kind;
    this.shared = inner.shared;
  }

  /** Lets `n` more commits through, then fails every commit. */
  cutAfter(n: number): void {
    this.#remaining = n;
  }

  get isCut(): boolean {
    return this.#remaining <= 0;
  }

  commit(change: TaskCommit): Promise<CommitReceipt> {
    if (this.#remaining <= 0) return Promise.reject(new Error('simulated crash: the process is gone'));
    this.#remaining -= 1;
    return this.#inner.commit(change);
  }
  getTask: Store['getTask'] = (id) => this.#inner.getTask(id);
  findTaskByIdempotencyKey: Store['findTaskByIdempotencyKey'] = (agentId, key) => this.#inner.findTaskByIdempotencyKey(agentId, key);
  listTasks: Store['listTasks'] = (query) => this.#inner.listTasks(query);
  listTasksInStates: Store['listTasksInStates'] = (states, limit, options) => this.#inner.listTasksInStates(states, limit, options);
  listReroutesWithoutAlternative: Store['listReroutesWithoutAlternative'] = (limit) => this.#inner.listReroutesWithoutAlternative(limit);
  getApproval: Store['getApproval'] = (id) => this.#inner.getApproval(id);
  getApprovalWithTask: Store['getApprovalWithTask'] = (id) => this.#inner.getApprovalWithTask(id);
  listApprovals: Store['listApprovals'] = (query) => this.#inner.listApprovals(query);
  listDueApprovals: Store['listDueApprovals'] = (now, limit) => this.#inner.listDueApprovals(now, limit);
  pendingApprovalSummary: Store['pendingApprovalSummary'] = () => this.#inner.pendingApprovalSummary();
  setAutonomy: Store['setAutonomy'] = (setting) => {
    if (this.#remaining <= 0) return Promise.reject(new Error('simulated crash: the process is gone'));
    return this.#inner.setAutonomy(setting);
  };
  listAutonomy: Store['listAutonomy'] = () => this.#inner.listAutonomy();
  claimTasks: Store['claimTasks'] = (ids, lease, now) =>
    this.#remaining <= 0 ? Promise.reject(new Error('simulated crash: the process is gone')) : this.#inner.claimTasks(ids, lease, now);
  renewLeases: Store['renewLeases'] = (ids, lease) =>
    this.#remaining <= 0 ? Promise.reject(new Error('simulated crash: the process is gone')) : this.#inner.renewLeases(ids, lease);
  readEvents: Store['readEvents'] = (afterId, limit) => this.#inner.readEvents(afterId, limit);
  lastEventId: Store['lastEventId'] = () => this.#inner.lastEventId();
  readAudit: Store['readAudit'] = (query) => this.#inner.readAudit(query);
  verifyAudit: Store['verifyAudit'] = (anchors) => this.#inner.verifyAudit(anchors);
  close: Store['close'] = () => this.#inner.close();
}
