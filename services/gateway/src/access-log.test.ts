import { maskKeys } from './access-log.js';

describe('masking keys in logged paths', () => {
  it('cuts anything key-shaped down to its hint', () => {
    const key = 'sm_' + 'Ab3'.repeat(21) + 'x';
    expect(maskKeys(`/api/v1/templates/${key}`, 'sm_')).toBe('/api/v1/templates/sm_Ab3Ab3Ab…');
  });

  it('leaves ordinary paths alone', () => {
    expect(maskKeys('/api/v1/templates/poster-on-wall', 'sm_')).toBe('/api/v1/templates/poster-on-wall');
  });
});
