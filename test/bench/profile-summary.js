#!/usr/bin/env node
/**
 * node test/bench/profile-summary.js FILE.cpuprofile [TOP]
 *
 * Where a V8 CPU profile (`npm run bench -- --cpu-prof DIR`) spends its time: self time by
 * package (node_modules/<name>, the services' own code, Node's internals, GC, idle) and the TOP
 * functions by self time. A flame graph of the same file: Chrome DevTools or speedscope.app.
 */
const { readFileSync } = require('node:fs');

const [file, top = '25'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node test/bench/profile-summary.js FILE.cpuprofile [TOP]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8'));

function owner({ url, functionName }) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (module) return module[1];
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  if (url.includes('/dist/')) return '(service code)';
  return url;
}

// Self time per node: the samples' time deltas attributed to the sampled node.
const selfMicros = new Map();
profile.samples.forEach((id, i) =>
  selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
);
const total = [...selfMicros.values()].reduce((a, b) => a + b, 0);

const byOwner = new Map();
const byFunction = new Map();
for (const node of profile.nodes) {
  const micros = selfMicros.get(node.id) ?? 0;
  if (!micros) continue;
  const who = owner(node.callFrame);
  byOwner.set(who, (byOwner.get(who) ?? 0) + micros);
  const name = `${node.callFrame.functionName || '(anonymous)'} ${who} ${node.callFrame.url.split('/').pop()}:${node.callFrame.lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
}

const percent = (micros) => ((100 * micros) / total).toFixed(1).padStart(5) + '%';
const busy = total - (byOwner.get('(idle)') ?? 0);
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy`);
console.log('\nself time by package');
for (const [who, micros] of [...byOwner].sort((a, b) => b[1] - a[1]).slice(0, 30))
  console.log(`${percent(micros)}  ${who}`);
console.log(`\ntop ${top} functions by self time`);
for (const [name, micros] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(top)))
  console.log(`${percent(micros)}  ${name}`);
