import { ApiError } from '@platen/contracts';
import { findOwnedOr404 } from './find-owned.js';
import { idParamsSchema, isUuid, uuidParamsSchema } from './route-params.js';

describe('findOwnedOr404', () => {
  it('gives back what the scoped lookup found', async () => {
    await expect(findOwnedOr404(Promise.resolve({ id: 'r1' }))).resolves.toEqual({ id: 'r1' });
    await expect(findOwnedOr404(Promise.resolve(true))).resolves.toBe(true);
  });

  it.each([
    ['undefined', Promise.resolve(undefined)],
    ['null', Promise.resolve(null)],
    ['false (nothing removed)', Promise.resolve(false)],
    ['no lookup (an id that cannot name a row)', undefined],
  ])('answers 404 NOT_FOUND when the lookup finds %s', async (_name, lookup) => {
    const error = await findOwnedOr404(lookup).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('NOT_FOUND');
  });
});

describe('shared path parameters', () => {
  it('take a short string and refuse one over 200 characters', () => {
    expect(idParamsSchema.parse({ id: 'not-a-uuid' })).toEqual({ id: 'not-a-uuid' });
    expect(uuidParamsSchema.safeParse({ uuid: 'x'.repeat(201) }).success).toBe(false);
  });

  it('tell a canonical uuid from anything else', () => {
    expect(isUuid('5f0c7e4e-2b8a-4d57-9b8f-3f7f3c1e9a10')).toBe(true);
    expect(isUuid('5f0c7e4e')).toBe(false);
    expect(isUuid("' or 1=1 --")).toBe(false);
  });
});
