// Drives conduit's OAuth 2.0 endpoints with simple-oauth2, a widely used client library
// that knows nothing of conduit, so the wire format is checked by someone else's code:
// password grant, refresh, client_credentials, authorization code with state and PKCE
// (S256), revocation (RFC 7009), a bearer-protected call with each token, and a client
// added by the `auth add-client` command while the server runs.
//
// Usage: node flows.mjs APP_BINARY MIGRATIONS_DIR WORK_DIR [DATABASE_URL]
// Starts the application binary itself (db upgrade, auth add-client, serve --port 0) on a
// fresh SQLite file in WORK_DIR, or on DATABASE_URL when given. Exits non-zero on the
// first failed expectation, after stopping the server.
import { spawn, execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { ResourceOwnerPassword, ClientCredentials, AuthorizationCode } = require('simple-oauth2');

const [app, migrations, work, databaseUrl] = process.argv.slice(2);
if (!app || !migrations || !work) {
  console.error('usage: node flows.mjs APP_BINARY MIGRATIONS_DIR WORK_DIR [DATABASE_URL]');
  process.exit(2);
}
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const database = databaseUrl || `sqlite:${path.join(work, 'accounts.db')}`;
writeFileSync(path.join(work, 'config.yaml'), `database: "${database}"\n`);

// Runs a command of the application binary and returns its stdout (throws on failure).
function command(...args) {
  return execFileSync(app, [...args, '--connect', database], {
    cwd: work,
    encoding: 'utf8',
    timeout: 60000,
  });
}

const redirectUri = 'http://127.0.0.1:9/callback';
command('db', 'upgrade', '--migration-directory', path.resolve(migrations));
command('auth', 'add-client', '--id', 'com.example.confidential', '--secret', 'confidential-secret',
  '--redirect-uri', redirectUri, '--allowed-scopes', 'profile notes');
command('auth', 'add-client', '--id', 'com.example.public', '--redirect-uri', redirectUri,
  '--allowed-scopes', 'profile');

// The server: `serve --port 0` logs "... listening on http://HOST:PORT ...".
const server = spawn(app, ['serve', '--port', '0', '--address', '127.0.0.1', '--config-path',
  path.join(work, 'config.yaml'), '--threads', '1'], { cwd: work, stdio: ['ignore', 'pipe', 'inherit'] });
let serverLog = '';
const port = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`server did not start:\n${serverLog}`)), 30000);
  server.stdout.on('data', (chunk) => {
    serverLog += chunk;
    const match = /listening on \w+:\/\/[^\s]*:(\d+)/.exec(serverLog);
    if (match) {
      clearTimeout(timer);
      resolve(Number(match[1]));
    }
  });
  server.on('exit', (code) => reject(new Error(`server exited (${code}):\n${serverLog}`)));
});
const base = `http://127.0.0.1:${port}`;

async function call(pathname, init = {}) {
  const response = await fetch(base + pathname, { redirect: 'manual', ...init });
  const text = await response.text();
  let body = text;
  try { body = JSON.parse(text); } catch { /* not JSON */ }
  return { status: response.status, headers: response.headers, body };
}

function basic(id, secret) {
  return 'Basic ' + Buffer.from(`${id}:${secret}`).toString('base64');
}

const confidential = { id: 'com.example.confidential', secret: 'confidential-secret' };
const auth = { tokenHost: base, tokenPath: '/auth/token', revokePath: '/auth/revoke' };
const codeAuth = { ...auth, authorizePath: '/auth/form' };
const steps = [];
function step(name) { steps.push(name); console.log(`-- ${name}`); }

try {
  step('register a user through /register with the client\'s Basic credentials');
  const registered = await call('/register', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: basic(confidential.id, confidential.secret) },
    body: JSON.stringify({ username: 'ada@example.com', password: 'correct horse battery' }),
  });
  assert.equal(registered.status, 200, JSON.stringify(registered.body));
  assert.equal(registered.body.token_type, 'bearer');

  step('password grant (simple-oauth2 ResourceOwnerPassword)');
  const passwordClient = new ResourceOwnerPassword({ client: confidential, auth });
  let token = await passwordClient.getToken({ username: 'ada@example.com', password: 'correct horse battery', scope: 'profile' });
  assert.equal(token.token.token_type, 'bearer');
  assert.ok(token.token.refresh_token, 'a confidential client gets a refresh token');
  assert.equal(token.token.scope, 'profile');
  assert.equal(token.expired(), false);
  let me = await call('/me', { headers: { authorization: `Bearer ${token.token.access_token}` } });
  assert.equal(me.status, 200, JSON.stringify(me.body));
  assert.equal(me.body.username, 'ada@example.com');
  assert.equal(me.body.hashedPassword, undefined, 'the hash never leaves the server');

  step('a wrong password is invalid_grant, seen by the library as an error');
  await assert.rejects(
    passwordClient.getToken({ username: 'ada@example.com', password: 'wrong', scope: 'profile' }),
    (error) => error.data?.payload?.error === 'invalid_grant' || /invalid_grant|400/.test(String(error)));

  step('refresh (same refresh token, new access token)');
  const refreshed = await token.refresh();
  assert.notEqual(refreshed.token.access_token, token.token.access_token);
  me = await call('/me', { headers: { authorization: `Bearer ${refreshed.token.access_token}` } });
  assert.equal(me.status, 200);

  step('revocation (RFC 7009) of the access token');
  await refreshed.revoke('access_token');
  me = await call('/me', { headers: { authorization: `Bearer ${refreshed.token.access_token}` } });
  assert.equal(me.status, 401);

  step('client_credentials grant');
  const clientCredentials = new ClientCredentials({ client: confidential, auth });
  const clientToken = await clientCredentials.getToken({ scope: 'notes' });
  assert.equal(clientToken.token.token_type, 'bearer');
  assert.equal(clientToken.token.refresh_token, undefined);

  step('a client added by `auth add-client` while the server runs is accepted at once');
  command('auth', 'add-client', '--id', 'com.example.late', '--secret', 'late-secret',
    '--allowed-scopes', 'notes');
  const late = new ClientCredentials({ client: { id: 'com.example.late', secret: 'late-secret' }, auth });
  const lateToken = await late.getToken({ scope: 'notes' });
  assert.equal(lateToken.token.scope, 'notes');

  step('authorization code with state and PKCE S256 (public client)');
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const codeClient = new AuthorizationCode({ client: { id: 'com.example.public', secret: '' }, auth: codeAuth });
  const state = randomBytes(8).toString('hex');
  const authorizeUrl = codeClient.authorizeURL({
    redirect_uri: redirectUri, scope: 'profile', state, code_challenge: challenge, code_challenge_method: 'S256',
  });
  const page = await call(new URL(authorizeUrl).pathname + new URL(authorizeUrl).search);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type'), /text\/html/);
  // The user submits the login form (what a browser would post from that page).
  const form = new URLSearchParams({
    username: 'ada@example.com', password: 'correct horse battery', client_id: 'com.example.public',
    response_type: 'code', state, scope: 'profile', code_challenge: challenge, code_challenge_method: 'S256',
  });
  const login = await call('/auth/form', {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString(),
  });
  assert.equal(login.status, 302, JSON.stringify(login.body));
  const location = new URL(login.headers.get('location'));
  assert.equal(`${location.origin}${location.pathname}`, redirectUri);
  assert.equal(location.searchParams.get('state'), state);
  const code = location.searchParams.get('code');
  assert.ok(code);
  const codeToken = await codeClient.getToken({ code, redirect_uri: redirectUri, code_verifier: verifier });
  assert.equal(codeToken.token.token_type, 'bearer');
  me = await call('/me', { headers: { authorization: `Bearer ${codeToken.token.access_token}` } });
  assert.equal(me.status, 200);
  assert.equal(me.body.username, 'ada@example.com');

  step('a code is single-use');
  await assert.rejects(codeClient.getToken({ code, redirect_uri: redirectUri, code_verifier: verifier }));

  console.log(`oauth client flows: ${steps.length} steps passed`);
} catch (error) {
  console.error(`*** failed at step "${steps.at(-1)}": ${error.stack || error}`);
  if (error.data?.payload) console.error('response body:', JSON.stringify(error.data.payload));
  process.exitCode = 1;
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => {
    if (server.exitCode !== null) resolve();
    else server.on('exit', resolve);
  });
}
