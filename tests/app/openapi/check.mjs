// The OpenAPI checks of run.sh: every document passes @apidevtools/swagger-parser's
// validation (an implementation independent of conduit), has the operations, parameters,
// bodies, responses and security the examples declare, and the docs page renders in
// headless Chromium (puppeteer-core) showing the operations; docs-page.png is kept.
import SwaggerParser from '@apidevtools/swagger-parser';
import {spawn, spawnSync} from 'node:child_process';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const work = process.argv[2];
const heroesBinary = process.argv[3];

// Starts `heroes ARGS --port 0` and resolves with its base URL ("listening on ..." log).
function start(args) {
  const child = spawn(heroesBinary, [...args, '--port', '0'],
                      {cwd: path.join(work, 'heroes'), stdio: ['ignore', 'pipe', 'inherit']});
  let log = '';
  const base = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`did not start:\n${log}`)), 30000);
    child.stdout.on('data', (chunk) => {
      log += chunk;
      const match = /listening on \w+:\/\/[^\s]*:(\d+)/.exec(log);
      if (match) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${match[1]}`);
      }
    });
    child.on('exit', (code) => reject(new Error(`exited (${code}):\n${log}`)));
  });
  return {child, base};
}
const children = [];
process.on('exit', () => { for (const c of children) c.kill('SIGTERM'); });
const load = (name) => JSON.parse(fs.readFileSync(path.join(work, name), 'utf8'));

for (const name of ['heroes.json', 'heroes-3.1.json', 'accounts.json', 'accounts-3.1.json']) {
  await SwaggerParser.validate(load(name));
  console.log(`valid: ${name}`);
}

// ---- heroes: ManagedObjectController<Hero> on /heroes/[:id] ----------------------------
const heroes = load('heroes.json');
assert.equal(heroes.openapi, '3.0.3');
assert.equal(heroes.info.title, 'Heroes');
assert.equal(heroes.info.version, '2.1.0');
assert.equal(heroes.info.contact.email, 'ops@example.com');
assert.equal(heroes.info.license.name, 'MIT');
assert.deepEqual(heroes.servers, [{url: 'http://localhost:8888'}]);
assert.deepEqual(Object.keys(heroes.paths['/heroes']).sort(), ['get', 'post']);
assert.deepEqual(Object.keys(heroes.paths['/heroes/{id}']).sort(), ['delete', 'get', 'put']);
const list = heroes.paths['/heroes'].get;
assert.deepEqual(list.tags, ['Hero']);
assert.deepEqual(list.parameters.map((p) => p.name),
                 ['count', 'offset', 'sortBy', 'pageBy', 'pageAfter', 'pagePrior']);
assert.deepEqual(list.parameters[0].schema, {type: 'integer', format: 'int64'});
assert.equal(list.parameters[2].schema.type, 'array');
assert.deepEqual(list.responses['200'].content['application/json'].schema,
                 {type: 'array', items: {$ref: '#/components/schemas/Hero'}});
const create = heroes.paths['/heroes'].post;
assert.equal(create.requestBody.required, true);
assert.deepEqual(create.requestBody.content['application/json'].schema,
                 {$ref: '#/components/schemas/Hero'});
for (const status of ['201', '400', '405', '409', '413', '415']) assert.ok(create.responses[status], status);
const getOne = heroes.paths['/heroes/{id}'].get;
assert.deepEqual(getOne.parameters,
                 [{name: 'id', in: 'path', required: true, schema: {type: 'integer', format: 'int64'}}]);
assert.ok(getOne.responses['404']);
assert.deepEqual(getOne.responses['404'].content['application/json'].schema,
                 {$ref: '#/components/schemas/Error'});
assert.ok(heroes.paths['/heroes/{id}'].delete.responses['204']);
assert.equal(heroes.paths['/heroes/{id}'].delete.responses['204'].content, undefined);
const hero = heroes.components.schemas.Hero;
assert.deepEqual(hero.properties.id, {type: 'integer', format: 'int64', readOnly: true});
// The description and example declared next to the column (hero.hpp).
assert.deepEqual(hero.properties.name, {type: 'string', description: "The hero's name, unique among heroes",
                                        example: 'Mr. Incredible'});
assert.equal(heroes.components.securitySchemes, undefined);
for (const item of Object.values(heroes.paths)) {
  for (const op of Object.values(item)) assert.equal(op.security, undefined);
}
const heroes31 = load('heroes-3.1.json');
assert.equal(heroes31.openapi, '3.1.0');

// ---- accounts: the OAuth 2.0 endpoints and the protected resources ---------------------
const accounts = load('accounts.json');
const schemes = accounts.components.securitySchemes;
assert.deepEqual(schemes.basicAuth.type, 'http');
assert.deepEqual(schemes.basicAuth.scheme, 'basic');
assert.equal(schemes.oauth2.type, 'oauth2');
assert.equal(schemes.oauth2.flows.password.tokenUrl, '/auth/token');
assert.equal(schemes.oauth2.flows.clientCredentials.tokenUrl, '/auth/token');
assert.equal(schemes.oauth2.flows.authorizationCode.authorizationUrl, '/auth/form');
assert.equal(schemes.oauth2.flows.authorizationCode.tokenUrl, '/auth/token');
const token = accounts.paths['/auth/token'].post;
const tokenForm = token.requestBody.content['application/x-www-form-urlencoded'].schema;
assert.deepEqual(tokenForm.properties.grant_type.enum,
                 ['password', 'authorization_code', 'refresh_token', 'client_credentials']);
assert.deepEqual(token.security, [{basicAuth: []}]);
assert.deepEqual(token.responses['200'].content['application/json'].schema,
                 {$ref: '#/components/schemas/AccessToken'});
assert.ok(accounts.paths['/auth/form'].get);
assert.ok(accounts.paths['/auth/form'].post.responses['302']);
assert.ok(accounts.paths['/auth/revoke'].post);
assert.deepEqual(accounts.paths['/register'].post.security, [{basicAuth: []}]);
assert.ok(accounts.paths['/register'].post.requestBody.content['application/json']);
assert.deepEqual(accounts.paths['/me'].get.security, [{oauth2: []}]);
assert.ok(accounts.paths['/me'].get.responses['401']);
assert.deepEqual(Object.keys(accounts.paths['/users/{id}']).sort(), ['delete', 'get', 'put']);
for (const op of Object.values(accounts.paths['/users/{id}'])) {
  assert.deepEqual(op.security, [{oauth2: []}]);
  const {example: _, ...id} = op.parameters[0];  // GET has an example (below)
  assert.deepEqual(id, {name: 'id', in: 'path', required: true, schema: {type: 'integer', format: 'int64'}});
  for (const status of ['401', '403', '404', '405']) assert.ok(op.responses[status], status);
}
// Summaries and examples written next to the operations (examples/accounts/user_controllers.cpp).
const register = accounts.paths['/register'].post;
assert.equal(register.summary, 'Register a user; answers with an access token for them');
assert.deepEqual(register.requestBody.content['application/json'].example,
                 {username: 'bob@example.com', password: 'correct horse', display_name: 'Bob'});
assert.equal(accounts.paths['/users/{id}'].get.parameters[0].example, 1);
assert.deepEqual(accounts.paths['/users/{id}'].put.requestBody.content['application/json'].example,
                 {display_name: 'Bobby'});
assert.equal(accounts.paths['/users/{id}'].delete.responses['204'].content, undefined);
const accounts31 = load('accounts-3.1.json');
assert.deepEqual(accounts31.paths['/register'].post.requestBody.content['application/json'].example,
                 register.requestBody.content['application/json'].example);
// The body a described struct binds becomes a component with its members.
const registration = accounts.paths['/register'].post.requestBody.content['application/json'].schema;
const registrationName = registration.$ref.split('/').pop();
assert.ok(accounts.components.schemas[registrationName].properties);
console.log('documents: ok');

// ---- `document serve` and `serve --docs` ---------------------------------------------
const docsServer = start(['document', 'serve']);
children.push(docsServer.child);
const docsBase = await docsServer.base;
assert.deepEqual(Object.keys((await (await fetch(docsBase + '/openapi.json')).json()).paths),
                 Object.keys(heroes.paths));
assert.match(await (await fetch(docsBase + '/')).text(), /<html/);
const app = start(['serve', '--docs', '--address', '127.0.0.1', '--threads', '1']);
children.push(app.child);
const appBase = await app.base;
const served = await (await fetch(appBase + '/openapi.json')).json();
assert.deepEqual(Object.keys(served.paths), Object.keys(heroes.paths));
await SwaggerParser.validate(served);
const created = await fetch(appBase + '/heroes', {method: 'POST', headers: {'content-type': 'application/json'},
                                                  body: JSON.stringify({name: 'Docs Hero'})});
assert.equal(created.status, 201);
// Off by default.
const plain = start(['serve', '--address', '127.0.0.1', '--threads', '1']);
children.push(plain.child);
assert.equal((await fetch((await plain.base) + '/openapi.json')).status, 404);
plain.child.kill('SIGTERM');
// The configuration's `openapi` key turns it on, at the paths it names; the defaults stay off.
const configured = path.join(work, 'heroes', 'openapi.yaml');
fs.writeFileSync(configured, `database: sqlite:${path.join(work, 'heroes', 'heroes.db')}\n` +
                 'openapi:\n  enabled: true\n  path: /api.json\n  page: /api-docs\n');
const keyed = start(['serve', '-c', configured, '--address', '127.0.0.1', '--threads', '1']);
children.push(keyed.child);
const keyedBase = await keyed.base;
const keyedDocument = await (await fetch(keyedBase + '/api.json')).json();
await SwaggerParser.validate(keyedDocument);
assert.deepEqual(Object.keys(keyedDocument.paths), Object.keys(heroes.paths));
assert.match(await (await fetch(keyedBase + '/api-docs')).text(), /<html/);
assert.equal((await fetch(keyedBase + '/openapi.json')).status, 404);
keyed.child.kill('SIGTERM');
const disabled = path.join(work, 'heroes', 'openapi-off.yaml');
fs.writeFileSync(disabled, `database: sqlite:${path.join(work, 'heroes', 'heroes.db')}\n` +
                 'openapi:\n  enabled: false\n');
const off = start(['serve', '-c', disabled, '--address', '127.0.0.1', '--threads', '1']);
children.push(off.child);
const offBase = await off.base;
assert.equal((await fetch(offBase + '/openapi.json')).status, 404);
assert.equal((await fetch(offBase + '/docs')).status, 404);
off.child.kill('SIGTERM');
// A bad value stops the app with the file, line and key.
const bad = path.join(work, 'heroes', 'openapi-bad.yaml');
fs.writeFileSync(bad, `database: sqlite:${path.join(work, 'heroes', 'heroes.db')}\n` +
                 'openapi:\n  enabled: maybe\n');
const refused = spawnSync(heroesBinary, ['serve', '-c', bad, '--port', '0'],
                          {cwd: path.join(work, 'heroes'), encoding: 'utf8', timeout: 30000});
assert.equal(refused.status, 1, refused.stderr);
assert.match(refused.stderr, /openapi-bad\.yaml:3:\d+: openapi\.enabled: /);
console.log('served documents: ok');

// ---- the docs page in headless Chromium ----------------------------------------------
const chromium = process.env.CHROMIUM ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser']
  .find((p) => fs.existsSync(p));
if (!chromium) {
  console.log('SKIP: no chromium (scripts/install-deps.sh installs it); page not rendered');
  process.exit(77);
}
const {default: puppeteer} = await import('puppeteer-core');
const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
try {
  const page = await browser.newPage();
  await page.setViewport({width: 1280, height: 900});
  // The page is self-contained: any request beyond the file itself fails the test.
  const external = [];
  page.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) external.push(r.url()); });
  await page.goto('file://' + path.join(work, 'heroes.html'), {waitUntil: 'load', timeout: 30000});
  await page.waitForSelector('.opblock', {timeout: 30000});
  const operations = await page.$$eval('.opblock', (blocks) => blocks.map((b) => b.innerText.replace(/\s+/g, ' ').trim()));
  console.log(`page shows ${operations.length} operations`);
  assert.ok(operations.length >= 5, operations.join('\n'));
  const text = await page.evaluate(() => document.body.innerText);
  for (const fragment of ['/heroes', '/heroes/{id}']) assert.ok(text.includes(fragment), fragment);
  await page.screenshot({path: path.join(work, 'docs-page.png'), fullPage: true});
  assert.deepEqual(external, [], 'the page loaded something from the network');
  console.log(`screenshot: ${path.join(work, 'docs-page.png')}`);

  // "Try it out" on the running app's own page: GET /heroes answers 200 with the hero.
  await page.goto(appBase + '/docs', {waitUntil: 'load', timeout: 30000});
  await page.waitForSelector('#operations-Hero-Hero_GET_heroes', {timeout: 30000});
  await page.click('#operations-Hero-Hero_GET_heroes .opblock-summary');
  await page.waitForSelector('#operations-Hero-Hero_GET_heroes .try-out__btn', {timeout: 10000});
  await page.click('#operations-Hero-Hero_GET_heroes .try-out__btn');
  await page.waitForSelector('#operations-Hero-Hero_GET_heroes .execute', {timeout: 10000});
  await page.click('#operations-Hero-Hero_GET_heroes .execute');
  await page.waitForSelector('#operations-Hero-Hero_GET_heroes .live-responses-table tbody .response-col_status',
                             {timeout: 20000});
  const status = await page.$eval('#operations-Hero-Hero_GET_heroes .live-responses-table tbody .response-col_status',
                                  (e) => e.innerText.trim());
  assert.match(status, /^200/);
  const body = await page.$eval('#operations-Hero-Hero_GET_heroes .live-responses-table', (e) => e.innerText);
  assert.ok(body.includes('Docs Hero'), body);
  await page.screenshot({path: path.join(work, 'docs-try-it.png'), fullPage: true});
  console.log('try it out: ok');
} finally {
  await browser.close();
}

// The servers keep node's event loop alive: end them (the exit handler) and finish.
process.exit(0);
