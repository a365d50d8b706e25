// Summarises a V8 .cpuprofile (from `node --cpu-prof`): the top frames by self time and by total
// (inclusive) time, so a profile of a service under load names its hot path in a few lines.
// Usage: node infra/bench/gateway/profile-summary.mjs <file.cpuprofile> [count=25] [lastSeconds]
// (lastSeconds keeps only the end of the profile, e.g. the load phase after a service's start-up).
import { readFile } from 'node:fs/promises';
import process from 'node:process';

export async function summariseProfile(path, { count = 25, lastSeconds = Infinity } = {}) {
  const profile = JSON.parse(await readFile(path, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const name = (node) => {
    const frame = node.callFrame;
    const where = frame.url
      ? `${frame.url
          .replace(/^file:\/\//, '')
          .replace(/^.*node_modules\//, '')
          .replace(/^.*\/(services|packages)\//, '$1/')}:${frame.lineNumber + 1}`
      : '';
    return `${frame.functionName || '(anonymous)'} ${where}`.trim();
  };
  const self = new Map();
  const total = new Map();
  let t = profile.startTime;
  let sum = 0;
  profile.samples.forEach((nodeId, i) => {
    t += profile.timeDeltas[i];
    if ((profile.endTime - t) / 1e6 > lastSeconds) return;
    const us = profile.timeDeltas[i + 1] ?? 0;
    sum += us;
    const leaf = byId.get(nodeId);
    self.set(name(leaf), (self.get(name(leaf)) ?? 0) + us);
    const seen = new Set();
    for (let id = nodeId; id !== undefined; id = parent.get(id)) {
      const frame = name(byId.get(id));
      if (seen.has(frame)) continue; // recursion counts once per sample
      seen.add(frame);
      total.set(frame, (total.get(frame) ?? 0) + us);
    }
  });
  const top = (map) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([frame, us]) => ({ frame, share: us / (sum || 1) }));
  return { seconds: sum / 1e6, self: top(self), total: top(total) };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const [path, count = '25', last = 'Infinity'] = process.argv.slice(2);
  const summary = await summariseProfile(path, { count: Number(count), lastSeconds: Number(last) });
  const print = (title, rows) => {
    process.stdout.write(`\n${title}\n`);
    for (const row of rows)
      process.stdout.write(`${(row.share * 100).toFixed(1).padStart(6)} %  ${row.frame}\n`);
  };
  process.stdout.write(`${summary.seconds.toFixed(1)} s sampled\n`);
  print('self', summary.self);
  print('total (inclusive)', summary.total);
}
