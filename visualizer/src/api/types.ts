/**
 * The API's shapes, as the client sees them: the server's own types (imported as types only,
 * so nothing of the server is bundled), plus the visualizer's additions.
 */
import type { MachineDefinition } from '../../../src/server/schemas.ts';
import type { Task } from '../../../src/model/task.ts';
import type { TaskState } from '../../../src/model/task-state.ts';

export type { ApprovalStatus, ApprovalView as Approval } from '../../../src/model/approval.ts';
export type { AuditEntry, LifecycleEvent } from '../../../src/model/lifecycle-event.ts';
export type { Principal } from '../../../src/model/principal.ts';
export type { RiskLevel } from '../../../src/model/risk.ts';
export type { HistoryEntry, Task } from '../../../src/model/task.ts';
export type { TaskState } from '../../../src/model/task-state.ts';
export type { MachineDefinition } from '../../../src/server/schemas.ts';
export type { InspectedActor, InspectionRecord } from '../../../src/server/inspection-record.ts';

/** One transition of the machine definition. */
export type MachineTransition = MachineDefinition['states'][number]['transitions'][number];

/** One state of the machine definition, with `states` (its children) when it is compound. */
export type MachineState = MachineDefinition['states'][number] & { states?: MachineState[] };

/** A page of tasks. */
export interface TaskPage {
  items: Task[];
  nextCursor: string | null;
}

/** Tasks by state (`GET /api/v1/task-counts`). */
export type TaskCounts = Partial<Record<TaskState, number>>;
