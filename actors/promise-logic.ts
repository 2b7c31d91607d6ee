import type { AnyActorRef, PromiseActorLogic, PromiseSnapshot } from 'xstate';

const RESOLVE = 'xstate.promise.resolve';
const REJECT = 'xstate.promise.reject';
const STOP = 'xstate.stop';

/**
 * XState's `fromPromise`, without the AbortController it makes for every run. Tollgate's child
 * actors never read an abort signal (their work is short, pure or idempotent), and an
 * AbortController per child per task is a measurable share of the gate's cost. Same snapshot
 * shape and events as `fromPromise`, so persisted snapshots are interchangeable and a
 * running promise is started again on restore, as with `fromPromise`.
 *
 * @example const secOps = fromAsync<Verdict, SecOpsInput>(async (input) => policy.evaluate(input));
 */
export function fromAsync<TOutput, TInput>(run: (input: TInput) => PromiseLike<TOutput> | TOutput): PromiseActorLogic<TOutput, TInput> {
  const logic = {
    config: run,
    transition: (state: PromiseSnapshot<TOutput, TInput>, event: { type: string; data?: unknown }) => {
      if (state.status !== 'active') return state;
      switch (event.type) {
        case RESOLVE:
          return { ...state, status: 'done', output: event.data as TOutput, input: undefined };
        case REJECT:
          return { ...state, status: 'error', error: event.data, input: undefined };
        case STOP:
          return { ...state, status: 'stopped', input: undefined };
        default:
          return state;
      }
    },
    start: (state: PromiseSnapshot<TOutput, TInput>, { self }: { self: AnyActorRef }) => {
      if (state.status !== 'active') return;
      let pending: PromiseLike<TOutput> | TOutput;
      try {
        pending = run(state.input as TInput);
      } catch (error) {
        pending = Promise.reject(error);
      }
      Promise.resolve(pending).then(
        (output) => {
          if (self.getSnapshot().status === 'active') self.send({ type: RESOLVE, data: output });
        },
        (error) => {
          if (self.getSnapshot().status === 'active') self.send({ type: REJECT, data: error });
        },
      );
    },
    getInitialSnapshot: (_scope: unknown, input: TInput) => ({ status: 'active', output: undefined, error: undefined, input }),
    getPersistedSnapshot: (snapshot: PromiseSnapshot<TOutput, TInput>) => snapshot,
    restoreSnapshot: (snapshot: PromiseSnapshot<TOutput, TInput>) => snapshot,
  };
  return logic as unknown as PromiseActorLogic<TOutput, TInput>;
}
