// The page's addresses. The gateway serves index.html for every /dashboard/* path that is not a file,
// so real paths work on reload and can be bookmarked: /dashboard/keys, /dashboard/renders/<uuid>, …
export const BASE_PATH = '/dashboard';

export const SECTIONS = ['keys', 'usage', 'credits', 'renders', 'batches', 'mockups', 'webhooks'] as const;
export type Section = (typeof SECTIONS)[number];

export const SECTION_TITLES: Record<Section, string> = {
  keys: 'API keys',
  usage: 'Usage',
  credits: 'Credits',
  renders: 'Renders',
  batches: 'Batches',
  mockups: 'Mockups',
  webhooks: 'Webhooks',
};

export type Route =
  | { section: Section; id: string | null }
  | { section: 'login' | 'signup'; id: null }
  | { section: 'not-found'; id: null };

function isSection(value: string): value is Section {
  return (SECTIONS as readonly string[]).includes(value);
}

/** A location's pathname → the route; `/dashboard` and `/dashboard/` are the keys page. */
export function parseRoute(pathname: string): Route {
  if (pathname !== BASE_PATH && !pathname.startsWith(`${BASE_PATH}/`))
    return { section: 'not-found', id: null };
  const parts = pathname
    .slice(BASE_PATH.length)
    .split('/')
    .filter((part) => part !== '');
  const [first, second, ...rest] = parts;
  if (first === undefined) return { section: 'keys', id: null };
  if ((first === 'login' || first === 'signup') && second === undefined) return { section: first, id: null };
  if (!isSection(first) || rest.length > 0) return { section: 'not-found', id: null };
  let id: string | null = null;
  if (second !== undefined) {
    try {
      id = decodeURIComponent(second);
    } catch {
      return { section: 'not-found', id: null };
    }
  }
  return { section: first, id };
}

export function routePath(section: Section | 'login' | 'signup', id: string | null = null): string {
  return id === null ? `${BASE_PATH}/${section}` : `${BASE_PATH}/${section}/${encodeURIComponent(id)}`;
}
