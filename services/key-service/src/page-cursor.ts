// Page sizes of the key-service's lists; the keyset cursor itself is shared (@platen/contracts).
export { decodeCursor, encodeCursor, toPage, type Page, type PagePosition } from '@platen/contracts';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;
