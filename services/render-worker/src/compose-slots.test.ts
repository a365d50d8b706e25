import { ComposeSlotAbortedError, createComposeSlots } from './compose-slots.js';

/** A unit of work that runs until finish() is called, recording when it started. */
function work(log: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    run: async () => {
      log.push(name);
      await done;
      return name;
    },
    finish: () => finish(),
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('compose slots', () => {
  it('lets one account alone use every slot', async () => {
    const slots = createComposeSlots({ slots: 3 });
    const started: string[] = [];
    const jobs = ['a1', 'a2', 'a3', 'a4'].map((name) => work(started, name));
    const results = jobs.map((job) => slots.run('A', job.run));
    await tick();

    expect(started).toEqual(['a1', 'a2', 'a3']);
    expect(slots.usage()).toEqual({ running: 3, waiting: 1 });
    jobs.forEach((job) => job.finish());
    await expect(Promise.all(results)).resolves.toEqual(['a1', 'a2', 'a3', 'a4']);
    expect(slots.usage()).toEqual({ running: 0, waiting: 0 });
  });

  it('gives a freed slot to the next account in turn, not to the account with the most waiting', async () => {
    const slots = createComposeSlots({ slots: 1 });
    const started: string[] = [];
    const a = ['a1', 'a2', 'a3', 'a4'].map((name) => work(started, name));
    const b = ['b1', 'b2'].map((name) => work(started, name));
    const results = [...a.map((job) => slots.run('A', job.run)), ...b.map((job) => slots.run('B', job.run))];

    for (const job of [...a, ...b]) {
      job.finish(); // each finishes at once once started; the order is what the slots decided
    }
    await Promise.all(results);

    expect(started).toEqual(['a1', 'a2', 'b1', 'a3', 'b2', 'a4']);
  });

  it('frees the slot when the work throws', async () => {
    const slots = createComposeSlots({ slots: 1 });
    await expect(slots.run('A', () => Promise.reject(new Error('bad pixels')))).rejects.toThrow('bad pixels');
    await expect(slots.run('B', () => Promise.resolve('ok'))).resolves.toBe('ok');
  });

  it('drops a waiter whose signal aborts (shutdown) without running its work', async () => {
    const slots = createComposeSlots({ slots: 1 });
    const started: string[] = [];
    const holder = work(started, 'a1');
    const holding = slots.run('A', holder.run);
    const controller = new AbortController();
    const waiting = slots.run('B', () => Promise.resolve('never'), controller.signal);
    await tick();

    controller.abort(new Error('shutting down'));
    await expect(waiting).rejects.toBeInstanceOf(ComposeSlotAbortedError);
    expect(slots.usage()).toEqual({ running: 1, waiting: 0 });
    holder.finish();
    await holding;
    expect(slots.usage()).toEqual({ running: 0, waiting: 0 });
  });

  it('refuses zero slots', () => {
    expect(() => createComposeSlots({ slots: 0 })).toThrow(/positive integer/);
  });
});
