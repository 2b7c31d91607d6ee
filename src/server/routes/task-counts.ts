import { z } from 'zod';
import { TaskState } from '../../model/task-state.ts';
import { defineRoute, type Route, type RouteDeps } from '../route.ts';
import { TaskStateCounts } from '../task-state-counts.ts';

const TaskCountsAnswer = z.object({ counts: z.record(TaskState, z.number().int()) });

/**
 * `/api/v1/task-counts`: how many tasks are in each state, as this server sees them (seeded
 * from the store at the first request, then kept current from lifecycle events). The
 * visualizer's statechart shows them on its states.
 * @example mountRoutes(app, taskCountRoutes(deps), options);
 */
export function taskCountRoutes({ engine, signal }: RouteDeps): Route[] {
  let counted: Promise<TaskStateCounts> | undefined;
  const start = async () => {
    const counts = new TaskStateCounts();
    // Subscribed before the seed scan: TaskStateCounts keeps events newer than the scan.
    const subscription = engine.events$.subscribe((event) => counts.observe(event.taskId, event.type));
    signal.addEventListener('abort', () => subscription.unsubscribe(), { once: true });
    try {
      await counts.seed(engine.store);
    } catch (error) {
      subscription.unsubscribe();
      counted = undefined;
      throw error;
    }
    return counts;
  };
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/task-counts',
      summary: 'Tasks by state',
      access: 'any',
      responses: { 200: { description: 'the count of every state', schema: TaskCountsAnswer } },
      handle: async ({ c }) => {
        counted ??= start();
        return c.json({ counts: (await counted).snapshot() });
      },
    }),
  ];
}
