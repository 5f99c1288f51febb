// Proof of fidelity: jsforce, an independent Salesforce client library, talks to the demo org
// exactly as it talks to Salesforce (no adaptation): OAuth (authorization code with PKCE, as
// jsforce builds it; refresh; client credentials), describe, create (single and sObject
// Collections), query with autoFetch across nextRecordsUrl, update, delete, and errors.
//
// The demo org is `leadbridge demo-org --auto-approve` from $LEADBRIDGE_BIN (run.sh builds it),
// or `cargo run -p leadbridge-cli` when the variable is unset.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import jsforce from 'jsforce';

const CLIENT_ID = 'leadbridge-demo';
const CLIENT_SECRET = 'leadbridge-demo-secret';
const REDIRECT_URI = 'http://localhost:1717/OauthRedirect';
const VERSION = '66.0';
const KNOWN_CONTACT_EMAIL = "o'brien@harborlight.example";

let server;
let baseUrl;
let conn;

function startDemoOrg() {
  const args = ['demo-org', '--listen', '127.0.0.1:0', '--auto-approve'];
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const child = process.env.LEADBRIDGE_BIN
    ? spawn(process.env.LEADBRIDGE_BIN, args, { stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn('cargo', ['run', '-q', '-p', 'leadbridge-cli', '--', ...args], {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    const timer = setTimeout(() => reject(new Error('the demo org printed no base URL within 300 s')), 300_000);
    child.once('exit', (code) => reject(new Error(`the demo org exited early with ${code}`)));
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve({ child, url: line.trim() });
    });
  });
}

async function clientCredentialsToken() {
  const res = await fetch(`${baseUrl}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET }),
  });
  assert.equal(res.status, 200);
  return res.json();
}

before(async () => {
  ({ child: server, url: baseUrl } = await startDemoOrg());
  assert.match(baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
  const token = await clientCredentialsToken();
  conn = new jsforce.Connection({ instanceUrl: token.instance_url, accessToken: token.access_token, version: VERSION });
});

after(() => {
  server?.kill('SIGTERM');
});

test('authorization code with PKCE and refresh, through jsforce OAuth2', async () => {
  const oauth2 = new jsforce.OAuth2({
    loginUrl: baseUrl,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri: REDIRECT_URI,
    useVerifier: true,
  });
  const authorizeUrl = oauth2.getAuthorizationUrl({ scope: 'api refresh_token', state: 'fidelity' });
  assert.match(authorizeUrl, /code_challenge=/);
  const res = await fetch(authorizeUrl, { redirect: 'manual' });
  assert.equal(res.status, 302);
  const location = new URL(res.headers.get('location'));
  assert.equal(location.searchParams.get('state'), 'fidelity');
  const code = location.searchParams.get('code');

  const c = new jsforce.Connection({ oauth2, version: VERSION });
  const userInfo = await c.authorize(code);
  assert.equal(c.instanceUrl, baseUrl);
  assert.match(userInfo.id, /^005/);
  assert.match(userInfo.organizationId, /^00D/);
  const firstRefresh = c.refreshToken;
  assert.ok(firstRefresh);

  const refreshed = await oauth2.refreshToken(firstRefresh);
  assert.ok(refreshed.access_token);
  assert.notEqual(refreshed.refresh_token, firstRefresh, 'refresh-token rotation');
  await assert.rejects(oauth2.refreshToken(firstRefresh), (err) => {
    assert.equal(err.name, 'invalid_grant');
    assert.equal(err.message, 'expired access/refresh token');
    return true;
  });
  const again = new jsforce.Connection({ instanceUrl: baseUrl, accessToken: refreshed.access_token, version: VERSION });
  const identity = await again.identity();
  assert.equal(identity.username, 'dana.whitfield@demo-org.example');
});

test('describe and describeGlobal', async () => {
  const global = await conn.describeGlobal();
  const names = global.sobjects.map((o) => o.name);
  for (const n of ['Lead', 'Contact', 'Account', 'Opportunity', 'Campaign', 'CampaignMember']) {
    assert.ok(names.includes(n), `${n} is listed`);
  }
  const lead = await conn.sobject('Lead').describe();
  const email = lead.fields.find((f) => f.name === 'Email');
  assert.equal(email.idLookup, true);
  const score = lead.fields.find((f) => f.name === 'Lead_Score__c');
  assert.deepEqual([score.type, score.precision, score.scale, score.custom], ['double', 18, 0, true]);
});

test('create one, many (sObject Collections), update, retrieve, delete', async () => {
  const one = await conn.sobject('Lead').create({ LastName: 'Fidelity', Company: 'jsforce' });
  assert.equal(one.success, true);
  assert.match(one.id, /^00Q\w{15}$/);

  const many = await conn.sobject('Lead').create(
    [
      { LastName: 'Many1', Company: 'jsforce' },
      { LastName: 'Many2' },
      { LastName: 'Many3', Company: 'jsforce' },
    ],
    { allOrNone: false },
  );
  assert.equal(many.length, 3);
  assert.equal(many[0].success, true);
  assert.equal(many[1].success, false);
  assert.equal(many[1].errors[0].statusCode, 'REQUIRED_FIELD_MISSING');
  assert.deepEqual(many[1].errors[0].fields, ['Company']);

  const upd = await conn.sobject('Lead').update({ Id: one.id, Title: 'Tester' });
  assert.equal(upd.success, true);
  const rec = await conn.sobject('Lead').retrieve(one.id);
  assert.equal(rec.Title, 'Tester');
  assert.equal(rec.Status, 'Open - Not Contacted');
  const del = await conn.sobject('Lead').destroy(one.id);
  assert.equal(del.success, true);
});

test('query pages with autoFetch across nextRecordsUrl', async () => {
  const batch = Array.from({ length: 200 }, (_, i) => ({ LastName: `Bulk${i}`, Company: 'Paging Inc' }));
  for (let i = 0; i < 12; i += 1) {
    const results = await conn.sobject('Lead').create(batch, { allOrNone: true });
    assert.ok(results.every((r) => r.success));
  }
  const result = await conn.query("SELECT Id, Name, Owner.Name FROM Lead WHERE Company = 'Paging Inc'", {
    autoFetch: true,
    maxFetch: 100000,
  });
  assert.equal(result.totalSize, 2400);
  assert.equal(result.records.length, 2400, 'jsforce followed nextRecordsUrl past the first 2000');
  assert.equal(new Set(result.records.map((r) => r.Id)).size, 2400);
  assert.equal(result.records[0].attributes.type, 'Lead');
  assert.ok(result.records[0].Owner.Name);

  const escaped = KNOWN_CONTACT_EMAIL.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
  const contact = await conn.query(`SELECT Id, Account.Name FROM Contact WHERE Email = '${escaped}'`);
  assert.equal(contact.totalSize, 1);
  assert.equal(contact.records[0].Account.Name, 'Harborlight Analytics');
});

test('errors come back Salesforce-shaped', async () => {
  await assert.rejects(conn.query('SELECT Idd FROM Lead'), (err) => {
    assert.equal(err.errorCode, 'INVALID_FIELD');
    assert.match(err.message, /No such column 'Idd' on entity 'Lead'/);
    return true;
  });
  await assert.rejects(conn.query('SELECT Id FRM Lead'), (err) => {
    assert.equal(err.errorCode, 'MALFORMED_QUERY');
    return true;
  });
  await assert.rejects(conn.sobject('Lead').create({ FirstName: 'Only' }), (err) => {
    assert.equal(err.errorCode, 'REQUIRED_FIELD_MISSING');
    return true;
  });
  const dead = new jsforce.Connection({ instanceUrl: baseUrl, accessToken: 'expired', version: VERSION });
  await assert.rejects(dead.query('SELECT Id FROM Lead'), (err) => {
    assert.equal(err.errorCode, 'INVALID_SESSION_ID');
    return true;
  });
});
