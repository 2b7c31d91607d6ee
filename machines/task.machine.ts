import { assign, emit, fromPromise, setup } from 'xstate';
import type { Approval } from '../src/model/approval.ts';
import type { LifecycleEventType } from '../src/model/lifecycle-event.ts';
import { identityKey, sameIdentity } from '../src/model/principal-id.ts';
import type { TaskState } from '../src/model/task-state.ts';
import type { TaskContext, TaskInput } from './task-context.ts';
import { type ApprovalStoreInput, type ExecutorInput, type SecOpsInput, executorInput, secOpsInput } from './child-inputs.ts';
import { announcementData, lifecycle } from './task-announcements.ts';
import type {
  ApprovalStoreOutput,
  ExecutorOutput,
  SecOpsOutput,
  StepEmitted,
  TaskEmitted,
  TaskEvent,
} from './task-events.ts';
import {
  toTaskError,
  withApproval,
  withApprovalClosed,
  withCancellation,
  withEscalation,
  releaseStands,
  withError,
  withPolicyAtResume,
  withPolicyDenial,
  withRejection,
  withReroute,
  withResult,
  withVerdict,
  withVote,
} from './task-updates.ts';

export type { ApprovalStoreInput, ExecutorInput, SecOpsInput } from './child-inputs.ts';

/** The tag of states whose snapshot the engine makes durable before going on. */
export const CHECKPOINT_TAG = 'checkpoint';

const unprovided = (name: string) =>
  fromPromise<never, unknown>(async () => {
    throw new Error(`actor ${name} was not provided: use taskMachine.provide({ actors })`);
  });

type Ctx = { context: TaskContext };

/** Who proposed the task: its agent, or the human who wrote it as a reroute's alternative. */
function proposerOf(context: TaskContext): string {
  return context.proposal.proposedBy ?? context.proposal.agentId;
}

/**
 * Whether the approval has enough distinct votes once `newVoter`'s vote is counted. Voters are
 * counted by identity (model/principal-id.ts), as the engine judges them: `Alice` and `alice` are one.
 */
function quorumMetWith(approval: Approval | null, newVoter: string): boolean {
  if (!approval) return false;
  // Settled without reading ids: one vote is a quorum of one; too few votes are none.
  if (approval.requiredApprovals <= 1) return true;
  if (approval.approvals.length + 1 < approval.requiredApprovals) return false;
  const voters = new Set(approval.approvals.map((vote) => identityKey(vote.by)));
  voters.add(identityKey(newVoter));
  return voters.size >= approval.requiredApprovals;
}

/** An approval may release a task only if it was given for exactly these arguments under this policy. */
function bindingMatches(context: TaskContext): boolean {
  const { approval, verdict } = context;
  return (
    approval !== null &&
    verdict !== null &&
    approval.status === 'pending' &&
    approval.argsHash === verdict.argsHash &&
    approval.policyVersion === verdict.policyVersion
  );
}

/**
 * The task lifecycle of DESIGN.md as a pure statechart: no I/O, no clock, no randomness.
 * Child actors `secOps`, `approvalStore` and `executor` are named here and implemented by the
 * engine with `.provide({ actors })`. Entering each state emits a `tollgate.step`; lifecycle
 * events are emitted as `tollgate.lifecycle` and become outbox events and audit entries.
 *
 * @example
 * const actor = createActor(taskMachine.provide({ actors }), { input: { taskId, proposal } });
 * actor.start();
 * actor.send({ type: 'EVALUATE' });
 */
export const taskMachine = setup({
  types: {
    context: {} as TaskContext,
    input: {} as TaskInput,
    events: {} as TaskEvent,
    emitted: {} as TaskEmitted,
  },
  actors: {
    secOps: unprovided('secOps') as unknown as ReturnType<typeof fromPromise<SecOpsOutput, SecOpsInput>>,
    approvalStore: unprovided('approvalStore') as unknown as ReturnType<
      typeof fromPromise<ApprovalStoreOutput, ApprovalStoreInput>
    >,
    executor: unprovided('executor') as unknown as ReturnType<typeof fromPromise<ExecutorOutput, ExecutorInput>>,
  },
  guards: {
    verdictIs: ({ event }, params: { decision: SecOpsOutput['decision'] }) =>
      (event as unknown as { output: SecOpsOutput }).output.decision === params.decision,
    alreadyVoted: ({ context, event }) =>
      event.type === 'APPROVE' && (context.approval?.approvals.some((vote) => sameIdentity(vote.by, event.by)) ?? false),
    approvalNotPending: ({ context }) => context.approval?.status !== 'pending',
    approvalPending: ({ context }) => context.approval?.status === 'pending',
    voteCompletesQuorum: ({ context, event }) =>
      event.type === 'APPROVE' && quorumMetWith(context.approval, event.by) && bindingMatches(context),
    voteCompletesQuorumUnbound: ({ context, event }) =>
      event.type === 'APPROVE' && quorumMetWith(context.approval, event.by) && !bindingMatches(context),
    timeoutEscalates: ({ context }) =>
      context.approval?.onTimeout === 'escalate' && context.approval.escalationDeadlines.length > 0,
    timeoutApproves: ({ context }) =>
      context.approval?.onTimeout === 'approve' &&
      (context.verdict?.riskLevel === 'low' || context.verdict?.riskLevel === 'medium') &&
      bindingMatches(context),
    timeoutWaits: ({ context }) => context.approval?.onTimeout === 'wait' || context.approval?.expiresAt === null,
    policyChangedSinceApproval: ({ context }) =>
      context.policyAtResume !== undefined && context.approval !== null && context.policyAtResume !== context.approval.policyVersion,
    recheckReleases: ({ context, event }) => releaseStands(context, (event as unknown as { output: SecOpsOutput }).output),
  },
  actions: {
    // One emitted event per state entered: the history step, and the state's lifecycle event if it has one.
    enter: emit(({ context, event }: Ctx & { event: TaskEvent }, params: { to: TaskState; announce?: LifecycleEventType }) => {
      const step: StepEmitted = { type: 'tollgate.step', to: params.to, event: event.type };
      if (params.announce) {
        const by = 'by' in event ? event.by : undefined;
        const actor = params.announce === 'task.proposed' ? proposerOf(context) : (by ?? 'system');
        step.lifecycle = lifecycle(context, params.announce, actor, announcementData(context, params.announce));
      }
      return step;
    }),
    announce: emit(({ context, event }: Ctx & { event: TaskEvent }, params: { type: LifecycleEventType }) => {
      const by = 'by' in event ? event.by : undefined;
      const actor = params.type === 'task.proposed' ? proposerOf(context) : (by ?? 'system');
      return { type: 'tollgate.lifecycle' as const, event: lifecycle(context, params.type, actor, announcementData(context, params.type)) };
    }),
    announceVerdict: emit(({ context }) => ({
      type: 'tollgate.lifecycle' as const,
      event: lifecycle(context, 'task.evaluated', 'system', announcementData(context, 'task.evaluated')),
    })),
    recordVerdict: assign(({ context, event }) => withVerdict(context, (event as unknown as { output: SecOpsOutput }).output)),
    recordApproval: assign(({ context, event }) => withApproval(context, (event as unknown as { output: ApprovalStoreOutput }).output)),
    recordVote: assign(({ context, event }) => (event.type === 'APPROVE' ? withVote(context, event) : context)),
    announceVote: emit(({ context, event }) => ({
      type: 'tollgate.lifecycle' as const,
      event: lifecycle(context, 'approval.vote', event.type === 'APPROVE' ? event.by : 'system', {
        votes: context.approval?.approvals.length ?? 0,
        requiredApprovals: context.approval?.requiredApprovals ?? 1,
        ...(event.type === 'APPROVE' && event.comment !== undefined ? { comment: event.comment } : {}),
      }),
    })),
    notePolicyAtResume: assign(({ context, event }) =>
      event.type === 'APPROVE' || event.type === 'TIMEOUT' ? withPolicyAtResume(context, event.policyVersion) : context,
    ),
    markPolicyDenied: assign(({ context, event }) => withPolicyDenial(context, (event as unknown as { output: SecOpsOutput }).output)),
    markApproved: assign(({ context, event }) => {
      const at = 'at' in event ? event.at : (context.approval?.createdAt ?? '');
      const by = event.type === 'APPROVE' ? event.by : 'system';
      const reason = event.type === 'TIMEOUT' ? 'approved on timeout' : null;
      return withApprovalClosed(context, 'approved', at, by, reason);
    }),
    markUnbound: assign(({ context, event }) =>
      withError(
        withApprovalClosed(context, 'rejected', 'at' in event ? event.at : '', 'system', 'approval does not match the task'),
        { code: 'approval_binding_mismatch', message: 'the approval was given for other arguments or another policy version' },
      ),
    ),
    markRejected: assign(({ context, event }) => (event.type === 'REJECT' ? withRejection(context, event) : context)),
    markRerouted: assign(({ context, event }) => (event.type === 'REROUTE' ? withReroute(context, event) : context)),
    markCancelled: assign(({ context, event }) => (event.type === 'CANCEL' ? withCancellation(context, event) : context)),
    markExpired: assign(({ context, event }) =>
      event.type === 'TIMEOUT' ? withApprovalClosed(context, 'expired', event.at, 'system', 'deadline passed') : context,
    ),
    escalate: assign(({ context, event }) => (event.type === 'TIMEOUT' ? withEscalation(context, event) : context)),
    recordResult: assign(({ context, event }) => withResult(context, (event as unknown as { output: ExecutorOutput }).output)),
    recordFailure: assign(({ context, event }, params: { code: string }) =>
      withError(context, toTaskError((event as unknown as { error: unknown }).error, params.code)),
    ),
  },
}).createMachine({
  id: 'task',
  context: ({ input }) => ({
    taskId: input.taskId,
    proposal: input.proposal,
    verdict: null,
    approval: null,
    alternative: null,
    result: null,
    error: null,
  }),
  initial: 'proposed',
  states: {
    proposed: {
      entry: { type: 'enter', params: { to: 'proposed', announce: 'task.proposed' } },
      on: { EVALUATE: 'evaluating' },
    },
    evaluating: {
      entry: { type: 'enter', params: { to: 'evaluating' } },
      invoke: {
        id: 'secOps',
        src: 'secOps',
        input: ({ context }) => secOpsInput(context),
        onDone: [
          { guard: { type: 'verdictIs', params: { decision: 'allow' } }, target: 'autoApproved', actions: ['recordVerdict', 'announceVerdict'] },
          { guard: { type: 'verdictIs', params: { decision: 'escalate' } }, target: 'awaitingHuman', actions: ['recordVerdict', 'announceVerdict'] },
          { guard: { type: 'verdictIs', params: { decision: 'alternative' } }, target: 'rerouted', actions: ['recordVerdict', 'announceVerdict'] },
          // deny, and anything unexpected: fail closed.
          { target: 'denied', actions: ['recordVerdict', 'announceVerdict'] },
        ],
        onError: {
          target: 'denied',
          actions: [{ type: 'recordFailure', params: { code: 'secops_failed' } }, 'announceVerdict'],
        },
      },
    },
    autoApproved: {
      entry: { type: 'enter', params: { to: 'autoApproved' } },
      always: 'executing',
    },
    awaitingHuman: {
      entry: { type: 'enter', params: { to: 'awaitingHuman' } },
      invoke: {
        id: 'approvalStore',
        src: 'approvalStore',
        input: ({ context }) => ({ taskId: context.taskId, proposal: context.proposal, verdict: context.verdict! }),
        onDone: {
          target: 'parked',
          actions: ['recordApproval', { type: 'announce', params: { type: 'approval.submitted' } }],
        },
        // No store, no approval: deny.
        onError: { target: 'denied', actions: { type: 'recordFailure', params: { code: 'approval_store_failed' } } },
      },
    },
    parked: {
      tags: [CHECKPOINT_TAG],
      entry: { type: 'enter', params: { to: 'parked', announce: 'task.parked' } },
      on: {
        APPROVE: [
          { guard: 'approvalNotPending' },
          { guard: 'alreadyVoted' },
          {
            guard: 'voteCompletesQuorum',
            target: 'resumed',
            actions: ['recordVote', 'markApproved', 'notePolicyAtResume', { type: 'announce', params: { type: 'approval.approved' } }],
          },
          { guard: 'voteCompletesQuorumUnbound', target: 'denied', actions: ['recordVote', 'markUnbound'] },
          { actions: ['recordVote', 'announceVote'] },
        ],
        REJECT: {
          guard: 'approvalPending',
          target: 'denied',
          actions: ['markRejected', { type: 'announce', params: { type: 'approval.rejected' } }],
        },
        REROUTE: {
          guard: 'approvalPending',
          target: 'rerouted',
          actions: ['markRerouted', { type: 'announce', params: { type: 'approval.rejected' } }],
        },
        TIMEOUT: [
          { guard: 'approvalNotPending' },
          { guard: 'timeoutWaits' },
          {
            guard: 'timeoutEscalates',
            actions: ['escalate', { type: 'announce', params: { type: 'approval.escalated' } }],
          },
          {
            guard: 'timeoutApproves',
            target: 'resumed',
            actions: ['markApproved', 'notePolicyAtResume', { type: 'announce', params: { type: 'approval.approved' } }],
          },
          {
            target: 'expired',
            actions: ['markExpired', { type: 'announce', params: { type: 'approval.expired' } }],
          },
        ],
        CANCEL: {
          guard: 'approvalPending',
          target: 'cancelled',
          actions: ['markCancelled', { type: 'announce', params: { type: 'approval.cancelled' } }],
        },
      },
    },
    resumed: {
      entry: { type: 'enter', params: { to: 'resumed', announce: 'task.resumed' } },
      // An approval binds a policy version: if the policy changed while the task was parked, judge it again first.
      always: [{ guard: 'policyChangedSinceApproval', target: 'reevaluating' }, { target: 'executing' }],
    },
    reevaluating: {
      entry: { type: 'enter', params: { to: 'reevaluating' } },
      invoke: {
        id: 'recheck',
        src: 'secOps',
        input: ({ context }) => secOpsInput(context),
        onDone: [
          { guard: 'recheckReleases', target: 'executing' },
          { target: 'denied', actions: 'markPolicyDenied' },
        ],
        // A rule that throws denies: fail closed.
        onError: { target: 'denied', actions: { type: 'recordFailure', params: { code: 'secops_failed' } } },
      },
    },
    executing: {
      tags: [CHECKPOINT_TAG],
      entry: { type: 'enter', params: { to: 'executing', announce: 'task.executing' } },
      invoke: {
        id: 'executor',
        src: 'executor',
        input: ({ context }) => executorInput(context),
        onDone: { target: 'completed', actions: 'recordResult' },
        onError: { target: 'failed', actions: { type: 'recordFailure', params: { code: 'execution_failed' } } },
      },
    },
    completed: terminal('completed', 'task.completed'),
    failed: terminal('failed', 'task.failed'),
    denied: terminal('denied', 'task.denied'),
    rerouted: terminal('rerouted', 'task.rerouted'),
    expired: terminal('expired', 'task.expired'),
    cancelled: terminal('cancelled', 'task.cancelled'),
  },
});

function terminal(to: TaskState, type: LifecycleEventType) {
  return {
    type: 'final' as const,
    tags: [CHECKPOINT_TAG],
    entry: { type: 'enter' as const, params: { to, announce: type } },
  };
}
