// tsc compiles the nodes; their SVG icons (`icon: 'file:platen.svg'`) must sit beside the compiled files.
import { copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

for (const node of readdirSync('src/nodes')) {
  for (const file of readdirSync(join('src/nodes', node)).filter((name) => name.endsWith('.svg'))) {
    copyFileSync(join('src/nodes', node, file), join('dist/nodes', node, file));
  }
}
