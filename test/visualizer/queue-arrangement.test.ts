import { describe, expect, it } from 'vitest';
import type { Approval, RiskLevel } from '../../visualizer/src/api/types.ts';
import { arrangeQueue } from '../../visualizer/src/logic/queue-arrangement.ts';
import { queueSentence } from '../../visualizer/src/logic/sentences.ts';

const approval = (id: string, riskLevel: RiskLevel, minutes: number): Approval =>
  ({
    id,
    taskId: `t-${id}`,
    status: 'pending',
    riskLevel,
    createdAt: new Date(Date.UTC(2030, 0, 1, 0, minutes)).toISOString(),
    expiresAt: new Date(Date.UTC(2030, 0, 1, 4, minutes)).toISOString(),
  }) as Approval;

describe('the queue as an approver with a limit works it', () => {
  const critical = [approval('c1', 'critical', 1), approval('c2', 'critical', 2)];
  const high = [approval('h1', 'high', 3), approval('h2', 'high', 4)];
  const medium = [approval('m1', 'medium', 0)];

  it('what they may decide first, in working order, then what is above their limit', () => {
    // The first page of all pending holds only critical ones; their own page holds the rest.
    expect(arrangeQueue(critical, [...medium, ...high], 'high').map((a) => a.id)).toEqual(['h1', 'h2', 'm1', 'c1', 'c2']);
    // An approval in both pages is listed once; without a limit below critical, the plain order.
    expect(arrangeQueue([...critical, high[0] as Approval], high, 'high').map((a) => a.id)).toEqual(['h1', 'h2', 'c1', 'c2']);
    expect(arrangeQueue([...high, ...critical], null, 'critical').map((a) => a.id)).toEqual(['c1', 'c2', 'h1', 'h2']);
  });

  it('says what is shown, and that theirs come first', () => {
    expect(queueSentence({ shown: 5, total: 5 })).toBe('');
    expect(queueSentence({ shown: 200, total: 371 })).toBe('The 200 most urgent of 371 pending approvals; 171 less urgent ones come up as these are decided.');
    expect(queueSentence({ shown: 360, total: 371, mine: { shown: 160, total: 160 } })).toBe(
      'The 160 you may decide come first; then the 200 most urgent of 211 above your limit, to watch.',
    );
    expect(queueSentence({ shown: 400, total: 5_211, mine: { shown: 200, total: 5_000 } })).toBe(
      'The 200 most urgent of the 5,000 you may decide come first; then the 200 most urgent of 211 above your limit, to watch.',
    );
    expect(queueSentence({ shown: 2, total: 2, mine: { shown: 0, total: 0 } })).toBe('None of these is yours to decide: all are above your limit.');
    expect(queueSentence({ shown: 7, total: 7, mine: { shown: 3, total: 3 } })).toBe('The 3 you may decide come first; then 4 above your limit, to watch.');
  });
});
