import { describe, expect, it } from 'vitest';
import { ApiError, NetworkError, problemOf } from '../../visualizer/src/api/problem.ts';
import { errorSentence } from '../../visualizer/src/logic/sentences.ts';

describe('errorSentence', () => {
  it('says 403s and 409s as plain sentences', () => {
    expect(errorSentence(new ApiError(403, 'self_approval', 'sam requested this action'), 'approve')).toBe('You requested this action, so someone else must approve it.');
    expect(errorSentence(new ApiError(403, 'self_approval', ''), 'reject')).toBe('You requested this action, so someone else must decide on it.');
    expect(errorSentence(new ApiError(403, 'risk_exceeds_role', ''), 'approve', { riskLevel: 'critical', maxRisk: 'high' })).toBe(
      'This is a critical-risk action and your role decides up to high risk. Ask an approver with a higher limit.',
    );
    expect(errorSentence(new ApiError(403, 'forbidden', ''), 'reroute')).toMatch(/^Your token may not reroute/);
    expect(errorSentence(new ApiError(409, 'already_voted', ''), 'approve')).toMatch(/already approved this/);
    expect(errorSentence(new ApiError(409, 'not_pending', ''), 'reject')).toMatch(/already decided/);
  });

  it('shows the server’s validation issues by field', () => {
    const error = problemOf(400, JSON.stringify({ code: 'validation_failed', detail: 'invalid body', issues: [{ path: 'body.reason', message: 'must not be empty' }] }));
    expect(errorSentence(error, 'reject')).toBe('The server refused the form: reason must not be empty.');
    expect(errorSentence(new ApiError(400, 'validation_failed', 'bad JSON'), 'reroute')).toBe('The server refused the form: bad JSON.');
  });

  it('tells a down server, a refused token and a bug apart', () => {
    expect(errorSentence(new NetworkError(), 'load')).toMatch(/not answering/);
    expect(errorSentence(new ApiError(401, 'unauthorized', ''), 'sign-in')).toMatch(/does not know this token/);
    expect(errorSentence(new ApiError(500, 'internal', 'x'), 'approve')).toMatch(/Nothing was changed/);
    expect(errorSentence(new ApiError(503, 'store_closed', ''), 'approve')).toMatch(/shutting down/);
  });

  it('says what a down server means for what was being done (found by a new-user trial: sign-in promised a reconnection that never came)', () => {
    // The sign-in form does not retry: it says to try again, not that the page reconnects.
    const signIn = errorSentence(new NetworkError(), 'sign-in');
    expect(signIn).toBe('The server is not answering. It may be down or restarting: sign in again in a moment.');
    // A decision is not sent again by the page: say it may not have been recorded, and how to see.
    expect(errorSentence(new NetworkError(), 'approve')).toBe(
      'The server did not answer, so your approval may not have been recorded. The page reconnects on its own; the card then shows where it stands — decide again if it is still pending.',
    );
    expect(errorSentence(new NetworkError(), 'reroute')).toMatch(/^The server did not answer, so your reroute may not have been recorded\./);
    expect(errorSentence(new NetworkError(), 'load')).toBe('The server is not answering. It may be down or restarting; this page reconnects on its own.');
  });

  it('reads a problem that is not JSON', () => {
    const error = problemOf(502, '<html>Bad gateway</html>');
    expect(error.code).toBe('http_502');
    expect(errorSentence(error, 'load')).toMatch(/failed/);
  });
});
