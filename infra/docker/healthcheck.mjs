// The images' HEALTHCHECK: exit 0 when the URL given as the only argument answers 2xx within 2 s, else 1.
// The slim base image has no curl or wget, and node is already there.
/* global fetch, AbortSignal */
import process from 'node:process';

const [url] = process.argv.slice(2);
if (!url) {
  process.stderr.write('usage: node healthcheck.mjs <url>\n');
  process.exit(2);
}
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  process.exit(response.ok ? 0 : 1);
} catch (error) {
  process.stderr.write(`${url}: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
