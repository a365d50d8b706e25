// Where the bench finds the built code it measures: the compositor through its package (dist), and
// the hostile-image generator as built by packages/testing's own tsconfig.build.json.
import { URL, fileURLToPath, pathToFileURL } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const HOSTILE_MODULE = pathToFileURL(`${REPO_ROOT}packages/testing/dist/hostile-images.js`).href;
