import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../src/engine/clock.ts';
import { hasCode, TooManyRequestsError } from '../../src/errors.ts';
import { PacedRun } from '../../src/server/paced-run.ts';
import { ProposalQuota } from '../../src/server/proposal-quota.ts';
import { createRequestLimits, DEFAULT_REQUEST_LIMITS } from '../../src/server/request-limits.ts';
import { StreamSlots } from '../../src/server/stream-slots.ts';
import { TokenBuckets } from '../../src/server/token-buckets.ts';

/** A clock that can also be set back, as a corrected wall clock is. */
class SteppingClock {
  ms = 1_000_000;
  now(): number {
    return this.ms;
  }
}

describe('the limiters behind 429 too_many_requests', () => {
  it('TokenBuckets: a full bucket per key at first, refilled with time, refusing with how long to wait', () => {
    const clock = new SimulatedClock();
    const buckets = new TokenBuckets({ perSecond: 10, burst: 3 }, clock);
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(buckets.take('a')).toEqual({ ok: false, retryAfterMs: 100 });
    expect(buckets.take('b')).toEqual({ ok: true });
    clock.advance(250);
    expect(buckets.take('a', 2)).toEqual({ ok: true });
    // 0.5 left: one token is 50 ms away, checking takes nothing.
    expect(buckets.check('a')).toEqual({ ok: false, retryAfterMs: 50 });
    expect(buckets.take('a', 2)).toEqual({ ok: false, retryAfterMs: 150 });
    clock.advance(60_000);
    // Never above the burst, and a cost above it takes the whole bucket instead of waiting forever.
    expect(buckets.take('a', 50)).toEqual({ ok: true });
    expect(buckets.check('a')).toEqual({ ok: false, retryAfterMs: 100 });
    expect(() => new TokenBuckets({ perSecond: 0, burst: 1 }, clock)).toThrow(RangeError);
  });

  it('TokenBuckets: a clock set back refills nothing and then counts from where it is', () => {
    const clock = new SteppingClock();
    const buckets = new TokenBuckets({ perSecond: 1, burst: 1 }, clock);
    expect(buckets.take('a').ok).toBe(true);
    clock.ms -= 3_600_000;
    expect(buckets.take('a')).toEqual({ ok: false, retryAfterMs: 1_000 });
    clock.ms += 1_000;
    expect(buckets.take('a').ok).toBe(true);
  });

  it('ProposalQuota: one token per started 4 KiB, refusals as TooManyRequestsError with whole seconds', () => {
    const clock = new SimulatedClock();
    const quota = new ProposalQuota({ perSecond: 2, burst: 4, bytesPerToken: 4_096 }, clock);
    expect([0, 1, 4_096, 4_097, 1024 * 1024].map((bytes) => quota.costOf(bytes))).toEqual([1, 1, 1, 2, 256]);
    quota.charge('agent-1', 10_000); // 3 tokens
    quota.check('agent-1');
    const refused = (() => {
      try {
        quota.charge('agent-1', 5_000); // 2 tokens, 1 left: 0.5 s away
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(TooManyRequestsError);
    expect(hasCode(refused, 'too_many_requests')).toBe(true);
    expect((refused as TooManyRequestsError).retryAfterSeconds).toBe(1);
    expect((refused as Error).message).toMatch(/5000 bytes costs 2 tokens/);
    quota.charge('agent-1', 100);
    expect(() => quota.check('agent-1')).toThrow(TooManyRequestsError);
    clock.advance(500);
    quota.check('agent-1');
  });

  it('StreamSlots: at most N per principal, each given back once however often release is called', () => {
    const slots = new StreamSlots(2);
    const first = slots.take('alice');
    slots.take('alice');
    expect(() => slots.take('alice')).toThrow(TooManyRequestsError);
    expect(slots.openBy('bob')).toBe(0);
    slots.take('bob');
    first();
    first();
    expect(slots.openBy('alice')).toBe(1);
    slots.take('alice');
    expect(() => slots.take('alice')).toThrow(/alice has 2 event streams open/);
    expect(() => new StreamSlots(0)).toThrow(RangeError);
  });

  it('PacedRun: one turn at a time, then a rest as long as the turn took', () => {
    const clock = new SimulatedClock();
    const pace = new PacedRun(clock);
    const first = pace.begin();
    if (!first.ok) throw new Error('the first turn was refused');
    clock.advance(3_000);
    expect(pace.begin()).toEqual({ ok: false, retryAfterMs: 3_000 });
    first.end();
    first.end();
    expect(pace.begin()).toEqual({ ok: false, retryAfterMs: 3_000 });
    clock.advance(2_000);
    expect(pace.begin()).toEqual({ ok: false, retryAfterMs: 1_000 });
    clock.advance(1_000);
    const second = pace.begin();
    expect(second.ok).toBe(true);
    if (second.ok) second.end();
    // A turn that took no time leaves no rest.
    expect(pace.begin().ok).toBe(true);
  });

  it('PacedRun: a clock set back never makes a rest longer than the turn before it', () => {
    const clock = new SteppingClock();
    const pace = new PacedRun(clock);
    const turn = pace.begin();
    clock.ms += 2_000;
    if (turn.ok) turn.end();
    clock.ms -= 3_600_000;
    expect(pace.begin()).toEqual({ ok: false, retryAfterMs: 2_000 });
  });

  it('createRequestLimits: the defaults, and proposals unlimited at 0 per second', () => {
    const clock = new SimulatedClock();
    expect(DEFAULT_REQUEST_LIMITS).toEqual({ maxStreamsPerPrincipal: 16, proposalsPerSecond: 200, proposalBurst: 1_000, proposalBytesPerToken: 4_096 });
    const defaults = createRequestLimits({ maxStreamsPerPrincipal: undefined }, clock);
    expect(defaults.proposals?.costOf(1024 * 1024)).toBe(256);
    for (let i = 0; i < 16; i++) defaults.streams.take('alice');
    expect(() => defaults.streams.take('alice')).toThrow(TooManyRequestsError);
    expect(createRequestLimits({ proposalsPerSecond: 0 }, clock).proposals).toBeNull();
  });

  it('createRequestLimits refuses limits an embedder got wrong, naming the field', () => {
    const clock = new SimulatedClock();
    const bad: Array<[unknown, RegExp]> = [
      [{ proposalBurst: 0 }, /proposalBurst/],
      [{ maxStreamsPerPrincipal: 1.5 }, /maxStreamsPerPrincipal/],
      [{ proposalsPerSecond: -1 }, /proposalsPerSecond/],
      [{ proposalsPerSecond: Number.NaN }, /proposalsPerSecond/],
      [{ proposalBytesPerToken: 0 }, /proposalBytesPerToken/],
      [{ maxStreams: 4 }, /maxStreams: unknown field/],
      ['16', /request limits/],
    ];
    for (const [options, message] of bad) {
      let thrown: unknown;
      try {
        createRequestLimits(options as never, clock);
      } catch (error) {
        thrown = error;
      }
      expect(hasCode(thrown, 'validation_failed'), JSON.stringify(options)).toBe(true);
      expect((thrown as Error).message).toMatch(message);
    }
  });
});
