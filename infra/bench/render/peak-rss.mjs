// Peak RSS per method: the timed renders share one process, whose resident memory mixes every
// method's leftovers (freed pages stay mapped), so each in-process method's peak is measured again
// in a fresh node process that loads the template and artwork from files and does a few renders.
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./peak-rss-child.mjs', import.meta.url));

/** Writes what the child needs to rebuild the plan: template.json, assets/, artwork.jpg. */
export async function writePlanFiles(plan, dir) {
  await mkdir(join(dir, 'assets'), { recursive: true });
  const names = [...plan.assets.keys()];
  const template = { uuid: plan.uuid, slug: plan.slug, name: plan.name, manifest: plan.manifest, names };
  await writeFile(
    join(dir, 'template.json'),
    JSON.stringify({ ...template, exportOptions: plan.exportOptions }),
  );
  for (const name of names)
    await writeFile(join(dir, 'assets', encodeURIComponent(name)), plan.assets.get(name));
  await writeFile(join(dir, 'artwork.jpg'), plan.artwork);
}

/** { peakRssKb, loadedRssKb } of a fresh process doing `renders` renders of the plan in `dir`. */
export function isolatedPeakRss(method, dir, renders) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, method, dir, String(renders)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = [];
    const err = [];
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.stderr.on('data', (chunk) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`peak RSS child (${method}) exited with ${code}: ${Buffer.concat(err).toString()}`));
        return;
      }
      resolve(JSON.parse(Buffer.concat(out).toString()));
    });
  });
}
