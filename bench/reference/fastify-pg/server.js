// Reference server for bench/db_bench.sh: one fastify process (no cluster, no workers) with
// one `pg` pool, serving the TechEmpower database tests that conduit_techempower serves.
//   GET /db                  one random World row          {"id":..,"randomNumber":..}
//   GET /queries?queries=N   N random rows (N clamped to 1..500), issued together
//   GET /fortunes            the Fortune rows + one added per request, sorted, HTML
//   GET /updates?queries=N   N random rows, new random numbers, one batched UPDATE
// Usage: node server.js [--port 8082] [--address 127.0.0.1]
// The database comes from the libpq environment (PGHOST, PGPORT, PGDATABASE, PGUSER,
// PGPASSWORD) and the pool size from PG_POOL_SIZE (default 8). The logger is off so that
// we measure the framework and the driver, not pino writing to stdout.
'use strict';

const fastify = require('fastify');
const { Pool } = require('pg');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const port = Number(arg('port', process.env.PORT || 8082));
const host = arg('address', '127.0.0.1');
const pool = new Pool({ max: Number(process.env.PG_POOL_SIZE || 8) });

const randomId = () => 1 + Math.floor(Math.random() * 10000);

// TechEmpower's rule: missing, malformed or below 1 means 1, above 500 means 500.
function queryCount(raw) {
  const n = Number.parseInt(raw, 10);
  if (Number.isNaN(n) || n < 1) return 1;
  return n > 500 ? 500 : n;
}

// Named queries are prepared once per connection by pg, as conduit prepares and caches
// its statements.
async function fetchWorld() {
  const result = await pool.query({
    name: 'world',
    text: 'SELECT id, randomnumber FROM world WHERE id = $1',
    values: [randomId()],
  });
  const row = result.rows[0];
  return { id: row.id, randomNumber: row.randomnumber };
}

const updateSql = [];
function batchUpdateSql(count) {
  if (!updateSql[count]) {
    const rows = [];
    for (let i = 0; i < count; i++) rows.push(`($${2 * i + 1}::integer, $${2 * i + 2}::integer)`);
    updateSql[count] =
      `UPDATE world SET randomnumber = v.r FROM (VALUES ${rows.join(', ')}) ` +
      'AS v (id, r) WHERE world.id = v.id';
  }
  return updateSql[count];
}

const escapes = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text) => text.replace(/[&<>"']/g, (c) => escapes[c]);

function fortunesPage(rows) {
  let page =
    '<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table>' +
    '<tr><th>id</th><th>message</th></tr>';
  for (const row of rows) {
    page += `<tr><td>${row.id}</td><td>${escapeHtml(row.message)}</td></tr>`;
  }
  return page + '</table></body></html>';
}

const app = fastify({ logger: false });

// Response schemas let fastify use its compiled serialiser, as a TechEmpower fastify
// entry does.
const worldSchema = {
  type: 'object',
  properties: { id: { type: 'integer' }, randomNumber: { type: 'integer' } },
};
const worldsSchema = { type: 'array', items: worldSchema };

app.get('/db', { schema: { response: { 200: worldSchema } } }, async () => fetchWorld());

app.get('/queries', { schema: { response: { 200: worldsSchema } } }, async (request) => {
  const count = queryCount(request.query.queries);
  const reads = [];
  for (let i = 0; i < count; i++) reads.push(fetchWorld());
  return Promise.all(reads);
});

app.get('/fortunes', async (request, reply) => {
  const result = await pool.query({ name: 'fortunes', text: 'SELECT id, message FROM fortune' });
  const rows = result.rows;
  rows.push({ id: 0, message: 'Additional fortune added at request time.' });
  rows.sort((a, b) => (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
  reply.header('content-type', 'text/html; charset=utf-8');
  return fortunesPage(rows);
});

app.get('/updates', { schema: { response: { 200: worldsSchema } } }, async (request) => {
  const count = queryCount(request.query.queries);
  const reads = [];
  for (let i = 0; i < count; i++) reads.push(fetchWorld());
  const worlds = await Promise.all(reads);
  for (const world of worlds) {
    let number = randomId();
    while (number === world.randomNumber) number = randomId();
    world.randomNumber = number;
  }
  // Rows locked in id order: concurrent batches then cannot deadlock on each other.
  const sorted = [...worlds].sort((a, b) => a.id - b.id);
  const values = [];
  for (const world of sorted) values.push(world.id, world.randomNumber);
  await pool.query({ name: `update${count}`, text: batchUpdateSql(count), values });
  return worlds;
});

app.listen({ port, host }).catch((err) => {
  console.error(err);
  process.exit(1);
});

const stop = () =>
  app
    .close()
    .then(() => pool.end())
    .then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
