// A real OpenID Connect provider for ReleaseGate's sign-in tests and demo: panva's certified
// `oidc-provider`, with a login form that checks passwords and static accounts read from a JSON file.
// TEST FIXTURE: the client secret, cookie key and passwords here and in accounts.example.json are
// not secrets of any real system.
//
// Environment:
//   OIDC_PORT           port on 127.0.0.1 (default 5556); the issuer is http://127.0.0.1:<port>
//   OIDC_REDIRECT_URIS  comma-separated redirect URIs of the portal (e.g. http://127.0.0.1:8080/signin-oidc)
//   OIDC_ACCOUNTS_FILE  JSON: { "<login>": { "password", "email", "email_verified", "name", "groups": [] } }
//                       read at every login, token and refresh, so a test changes someone's groups (or removes
//                       them) by rewriting it
//   OIDC_CLIENT_ID / OIDC_CLIENT_SECRET   the portal's client (default releasegate / releasegate-test-secret)
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT || 5556);
const issuer = `http://127.0.0.1:${port}`;
const accountsFile = process.env.OIDC_ACCOUNTS_FILE || new URL('./accounts.example.json', import.meta.url).pathname;
const redirectUris = (process.env.OIDC_REDIRECT_URIS || 'http://127.0.0.1:8080/signin-oidc').split(',').map((u) => u.trim());
const clientId = process.env.OIDC_CLIENT_ID || 'releasegate';

const accounts = () => JSON.parse(readFileSync(accountsFile, 'utf8'));

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: process.env.OIDC_CLIENT_SECRET || 'releasegate-test-secret',
    redirect_uris: redirectUris,
    post_logout_redirect_uris: redirectUris.map((u) => new URL('/account/login', u).href),
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  }],
  // GitLab-like: e-mail and groups come with the standard scopes (from the userinfo endpoint).
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
  cookies: { keys: ['releasegate-test-fixture-cookie-key'] },
  // GitLab-like: every code comes with a refresh token (no offline_access scope needed), which the portal uses to ask
  // again about the person's groups; findAccount below refuses it once the account is gone from the file.
  issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  // The portal is a first-party client: no consent screen, every requested scope is granted.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
  async findAccount(ctx, sub) {
    const entry = Object.entries(accounts()).find(([login]) => login === sub);
    if (!entry) return undefined;
    const [, a] = entry;
    return {
      accountId: sub,
      async claims() {
        // Read again here: a change to the file shows at the next sign-in, as a GitLab group change would.
        const now = accounts()[sub] ?? a;
        return { sub, email: now.email, email_verified: now.email_verified !== false, name: now.name ?? sub, groups: now.groups ?? [] };
      },
    };
  },
});

const page = (title, body) => `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head>
<body style="font-family:sans-serif;max-width:360px;margin:48px auto"><h1>${title}</h1>${body}</body></html>`;
const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function formBody(req) {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  return Object.fromEntries(new URLSearchParams(raw));
}

// The provider's own login form: /interaction/<uid> shows it, a POST checks the password.
provider.use(async (ctx, next) => {
  const match = /^\/interaction\/([\w-]+)$/.exec(ctx.path);
  if (!match) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  let error = '';
  if (ctx.method === 'POST') {
    const { login, password } = await formBody(ctx.req);
    const account = accounts()[login];
    if (account && account.password === password) {
      await provider.interactionFinished(ctx.req, ctx.res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
      ctx.respond = false;
      return undefined;
    }
    error = '<p id="error" style="color:#b00">Invalid login or password.</p>';
  }
  ctx.type = 'html';
  ctx.body = page('Test OIDC provider', `${error}
<form method="post" action="/interaction/${escape(details.uid)}">
<p><label>Login <input id="login" name="login" autofocus></label></p>
<p><label>Password <input id="password" name="password" type="password"></label></p>
<p><button id="submit" type="submit">Sign in</button></p></form>`);
  return undefined;
});

const server = createServer(provider.callback());
server.listen(port, '127.0.0.1', () => console.log(`oidc-provider listening on ${issuer} (accounts: ${accountsFile})`));
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
