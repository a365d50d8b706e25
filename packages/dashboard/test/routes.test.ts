import { parseRoute, routePath } from '../web/lib/routes.js';

describe('parseRoute', () => {
  it('opens the keys page at the dashboard root', () => {
    expect(parseRoute('/dashboard')).toEqual({ section: 'keys', id: null });
    expect(parseRoute('/dashboard/')).toEqual({ section: 'keys', id: null });
  });

  it('reads a section and an item id', () => {
    expect(parseRoute('/dashboard/usage')).toEqual({ section: 'usage', id: null });
    expect(parseRoute('/dashboard/renders/9f1c')).toEqual({ section: 'renders', id: '9f1c' });
    expect(parseRoute('/dashboard/login')).toEqual({ section: 'login', id: null });
    expect(parseRoute('/dashboard/batches')).toEqual({ section: 'batches', id: null });
    expect(parseRoute('/dashboard/batches/b1')).toEqual({ section: 'batches', id: 'b1' });
  });

  it('answers not-found for unknown, too deep, badly encoded or foreign paths', () => {
    expect(parseRoute('/dashboard/nope').section).toBe('not-found');
    expect(parseRoute('/dashboard/renders/a/b').section).toBe('not-found');
    expect(parseRoute('/dashboard/batches/b1/archive').section).toBe('not-found');
    expect(parseRoute('/dashboard/renders/%E0%A4%A').section).toBe('not-found');
    expect(parseRoute('/dashboardx').section).toBe('not-found');
    expect(parseRoute('/api/v1').section).toBe('not-found');
    expect(parseRoute('/dashboard/login/extra').section).toBe('not-found');
  });

  it('round-trips with routePath, encoding ids', () => {
    expect(routePath('mockups', 'a b/c')).toBe('/dashboard/mockups/a%20b%2Fc');
    expect(parseRoute(routePath('mockups', 'a b/c'))).toEqual({ section: 'mockups', id: 'a b/c' });
  });
});
