import { taskMachine } from '../../../machines/task.machine.ts';
import { TASK_MACHINE_VERSION } from '../../../machines/version.ts';
import { describeMachine } from '../machine-definition.ts';
import { defineRoute, type Route } from '../route.ts';
import { MachineDefinition } from '../schemas.ts';

/**
 * `/api/v1/machines/task`: the task statechart as data (states, transitions, version).
 * @example mountRoutes(app, machineRoutes(), options);
 */
export function machineRoutes(): Route[] {
  let described: MachineDefinition | undefined;
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/machines/task',
      summary: "The task machine's definition and version",
      access: 'any',
      responses: { 200: { description: 'states and transitions', schema: MachineDefinition } },
      handle: ({ c }) => {
        described ??= describeMachine(taskMachine, TASK_MACHINE_VERSION);
        return c.json(described);
      },
    }),
  ];
}
