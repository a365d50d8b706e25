// What every page gets from the shell: the API client, the logged-in account and navigation.
import { createContext, useContext } from 'react';
import type { ApiClient } from './lib/api-client.js';
import type { Me } from './lib/api-types.js';

export interface AppContextValue {
  api: ApiClient;
  me: Me;
  /** Reloads the account (credit balance) after something changed it. */
  refreshMe: () => void;
  navigate: (path: string, options?: { replace?: boolean }) => void;
}

export const AppContext = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('useApp outside the logged-in shell');
  return value;
}
