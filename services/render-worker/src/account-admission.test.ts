import { createAccountAdmission } from './account-admission.js';

describe('account admission', () => {
  it('admits up to the share of one account and defers the next, without touching other accounts', () => {
    const admission = createAccountAdmission({ perAccount: 2 });
    const first = admission.tryEnter('A');
    const second = admission.tryEnter('A');

    expect(first).toBeDefined();
    expect(second).toBeDefined();
    expect(admission.tryEnter('A')).toBeUndefined();
    expect(admission.tryEnter('B')).toBeDefined();
    expect(admission.inHand('A')).toBe(2);
  });

  it('frees a share when a job leaves, once however often leave is called', () => {
    const admission = createAccountAdmission({ perAccount: 1 });
    const leave = admission.tryEnter('A')!;
    leave();
    leave();

    expect(admission.inHand('A')).toBe(0);
    expect(admission.tryEnter('A')).toBeDefined();
    expect(admission.tryEnter('A')).toBeUndefined();
  });

  it('doubles the deferral with each deferral of a job, up to the maximum', () => {
    const admission = createAccountAdmission({
      perAccount: 1,
      deferMs: 500,
      maxDeferMs: 8_000,
      random: () => 0.5,
    });

    expect([0, 1, 2, 3, 4, 5, 40].map((n) => admission.deferDelayMs(n))).toEqual([
      500, 1_000, 2_000, 4_000, 8_000, 8_000, 8_000,
    ]);
  });

  it('jitters deferrals by ±25 % so deferred jobs do not come back in lockstep', () => {
    const low = createAccountAdmission({ perAccount: 1, random: () => 0 });
    const high = createAccountAdmission({ perAccount: 1, random: () => 0.999_999 });

    expect(low.deferDelayMs(0)).toBe(375);
    expect(high.deferDelayMs(0)).toBe(625);
  });

  it('refuses a share below one', () => {
    expect(() => createAccountAdmission({ perAccount: 0 })).toThrow(/positive integer/);
  });

  it('offers a deferred job again when a job of its account leaves, oldest first, once each', async () => {
    const admission = createAccountAdmission({ perAccount: 1 });
    const offered: string[] = [];
    const leave = admission.tryEnter('A')!;
    admission.deferred('A', () => Promise.resolve(offered.push('first')));
    admission.deferred('A', () => Promise.resolve(offered.push('second')));
    admission.deferred('B', () => Promise.resolve(offered.push('other account')));
    admission.tryEnter('B')!();

    leave();
    leave();
    await Promise.resolve();
    expect(offered).toEqual(['other account', 'first']);
    admission.tryEnter('A')!();
    await Promise.resolve();
    expect(offered).toEqual(['other account', 'first', 'second']);
  });

  it('ignores an offer that fails (the job was offered already) and remembers a bounded number', async () => {
    const admission = createAccountAdmission({ perAccount: 1 });
    const offered: number[] = [];
    admission.deferred('A', () => Promise.reject(new Error('job is not delayed')));
    admission.tryEnter('A')!();
    await Promise.resolve();
    expect(admission.inHand('A')).toBe(0);
    for (let i = 0; i < 100; i++) admission.deferred('A', () => Promise.resolve(offered.push(i)));

    for (let i = 0; i < 70; i++) admission.tryEnter('A')!();
    await Promise.resolve();
    expect(offered).toEqual(Array.from({ length: 64 }, (_, i) => 36 + i));
  });

  it('lets an account alone hold its larger share when no other account has work here', () => {
    const admission = createAccountAdmission({ perAccount: 2, whenAlone: 5 });
    const admitted = Array.from({ length: 6 }, () => admission.tryEnter('A'));

    expect(admitted.map((leave) => leave !== undefined)).toEqual([true, true, true, true, true, false]);
    expect(admission.inHand('A')).toBe(5);
  });

  it('admits a second account at once while the first holds its lone share, and holds the first to its share until the second is done', () => {
    const admission = createAccountAdmission({ perAccount: 2, whenAlone: 5 });
    const aJobs = Array.from({ length: 5 }, () => admission.tryEnter('A')!);

    const bJob = admission.tryEnter('B');
    expect(bJob).toBeDefined();
    aJobs.pop()!();
    expect(admission.tryEnter('A')).toBeUndefined();
    aJobs.pop()!();
    aJobs.pop()!();
    expect(admission.tryEnter('A')).toBeUndefined();
    aJobs.pop()!();
    expect(admission.tryEnter('A')).toBeDefined();
    expect(admission.tryEnter('A')).toBeUndefined();

    bJob!();
    expect(admission.tryEnter('A')).toBeDefined();
    expect(admission.inHand('A')).toBe(3);
  });

  it('counts another account’s deferred job as work waiting: the first account keeps to its share', () => {
    const admission = createAccountAdmission({ perAccount: 1, whenAlone: 4 });
    admission.deferred('B', () => Promise.resolve());

    expect(admission.tryEnter('A')).toBeDefined();
    expect(admission.tryEnter('A')).toBeUndefined();
  });

  it('refuses a lone share below the per-account share', () => {
    expect(() => createAccountAdmission({ perAccount: 4, whenAlone: 3 })).toThrow(/at least 4/);
  });
});
