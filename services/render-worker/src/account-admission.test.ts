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
});
