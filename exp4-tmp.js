const v8 = require('v8'); const vm = require('vm');
const { PGlite } = require('@electric-sql/pglite');
const fs = require('fs');
const rss = () => Math.round(process.memoryUsage().rss / 1048576);
const params = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB', '-c', 'work_mem=1MB', '-c', 'temp_buffers=1MB'];
async function create(dir) { v8.setFlagsFromString('--liftoff-only'); try { return await PGlite.create({ dataDir: dir, startParams: params }); } finally { v8.setFlagsFromString('--no-liftoff-only'); } }
function gc() { v8.setFlagsFromString('--expose-gc'); vm.runInNewContext('gc')(); }
(async () => {
  const dir = '/tmp/pgx/fresh' + process.pid; fs.rmSync(dir, { recursive: true, force: true });
  let d = await create(dir); console.log('initdb open', rss());
  await d.close(); d = undefined; console.log('closed', rss());
  if (process.env.WAIT) await new Promise((r) => setTimeout(r, +process.env.WAIT)); if (process.env.IMM) await require('timers/promises').setImmediate();
  gc(); console.log('gc', rss());
  if (process.env.WAIT2) { await new Promise((r) => setTimeout(r, +process.env.WAIT2)); gc(); console.log('gc2', rss()); }
  const db = await create(dir); console.log('second open', rss());
  await db.query('select 1');
  await db.close(); fs.rmSync(dir, { recursive: true, force: true });
})();
