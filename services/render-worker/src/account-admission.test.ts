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
});
