/*
 * Sign-in of the dashboard through OpenID Connect (issue 18): the authorization code flow with PKCE, in the
 * browser, with oidc-client-ts (vendor/oidc-client-ts.min.js, global `oidc`). The gateway says which provider
 * in sign-in.json: `{ oidc: { issuer, clientId, scope } }`, or `{ oidc: null }` when only pasted tokens are
 * possible. Locally that provider is the development identity provider `pnpm start` runs (pick a demo person,
 * no passwords); in production Keycloak or any OpenID Connect provider.
 *
 *   1. "Sign in" sends the browser to the provider's authorization endpoint (from its discovery document)
 *      with a PKCE challenge; the address's #unit=… is kept in the request's state.
 *   2. The provider sends the browser back to this page with ?code=…&state=…; the code and the PKCE verifier
 *      are exchanged for tokens at the provider's token endpoint, and the ACCESS token becomes the page's
 *      Bearer token (the platform verifies it against the provider's keys).
 *   3. A minute before the access token expires, the provider's refresh token (when it gave one) gets a new
 *      one, so the page stays signed in while the sign-in lasts at the provider.
 *   4. Sign-out also ends the session at the provider (its end_session_endpoint), so the next sign-in asks
 *      who you are again.
 *
 * Pasting a token (the developers' option) stays in dashboard.js. This file is loaded before dashboard.js
 * and uses its page state and functions (`state`, `TOKEN_KEY`, `t`, `$`, `render`) only once the page runs.
 */
'use strict';

/** Sign-in texts, merged into the page's TEXT by dashboard.js (they replace the paste-only help). */
const SIGN_IN_TEXT = {
  zh: {
    signInHelp: '通过统一身份认证登录，看板将显示您所在单位的数据。',
    signInWithProvider: '统一身份认证登录',
    signInRedirecting: '正在跳转到身份认证…',
    developerOption: '开发者选项：粘贴访问令牌',
    pasteHelp: '粘贴访问令牌（JWT）。本地演示：运行 pnpm start 后，终端会打印区级演示令牌和一个可直接打开的看板链接。令牌只保存在当前标签页中。',
    errors: { SIGN_IN_FAILED: '登录未完成，请重新登录。', UNAUTHENTICATED: '未登录，或登录已过期：请重新登录。' },
  },
  en: {
    signInHelp: 'Sign in with your organisation account: the dashboard shows the figures of your unit.',
    signInWithProvider: 'Sign in',
    signInRedirecting: 'Going to sign-in…',
    developerOption: 'Developer option: paste an access token',
    pasteHelp: 'Paste an access token (JWT). Locally, pnpm start prints a district demo token and a dashboard link that opens signed in. The token is kept in this browser tab only.',
    errors: { SIGN_IN_FAILED: 'Sign-in did not complete: sign in again.', UNAUTHENTICATED: 'Not signed in, or the sign-in has expired: sign in again.' },
  },
};

const DashboardSignIn = (() => {
  let settings;
  let manager;
  /** The provider's sign-in in this tab (oidc-client-ts's User), kept here: asking the manager for it again re-arms its expiry timer. */
  let signedIn = null;
  let renewing = false;

  /** The provider from the gateway's sign-in.json, or null (paste only). */
  function provider() {
    settings ??= fetch(new URL('sign-in.json', document.baseURI).toString())
      .then((res) => (res.ok ? res.json() : { oidc: null }))
      .then((body) => body.oidc ?? null)
      .catch(() => null);
    return settings;
  }

  /** The dashboard's own address: where the provider sends the browser back (registered at the provider as the redirect URI). */
  const pageAddress = () => new URL('./', document.baseURI).toString();

  async function userManager() {
    const config = await provider();
    if (!config || typeof oidc === 'undefined') return null;
    if (manager) return manager;
    manager = new oidc.UserManager({
      authority: config.issuer,
      client_id: config.clientId,
      redirect_uri: pageAddress(),
      post_logout_redirect_uri: pageAddress(),
      response_type: 'code',
      scope: config.scope,
      loadUserInfo: false,
      automaticSilentRenew: false,
      monitorSession: false,
      // This tab only, like a pasted token.
      userStore: new oidc.WebStorageStateStore({ store: window.sessionStorage }),
      stateStore: new oidc.WebStorageStateStore({ store: window.sessionStorage }),
    });
    // A minute before the access token expires, a new one through the refresh token (when the provider gave
    // one), so the page stays signed in for as long as the sign-in lasts at the provider.
    manager.events.addAccessTokenExpiring(() => renew());
    manager.events.addUserLoaded((user) => (signedIn = user));
    manager.events.addUserUnloaded(() => (signedIn = null));
    return manager;
  }

  /** Whether this address is the provider's answer to a sign-in (?state=… with ?code=… or ?error=…). */
  function isAnswer() {
    const params = new URLSearchParams(location.search);
    return params.has('state') && (params.has('code') || params.has('error'));
  }

  /**
   * Completes a sign-in the provider answered: the access token into the page's state and sessionStorage,
   * the address cleaned (back to the unit that was on screen). Failures become the sign-in page's error.
   */
  async function completeIfAnswered() {
    if (!isAnswer()) return isSignOutAnswer() ? completeSignOut() : undefined;
    const back = (hash) => history.replaceState(null, '', `${location.pathname}${hash ?? ''}`);
    try {
      const um = await userManager();
      if (!um) throw new Error('this dashboard has no identity provider configured');
      const user = await um.signinRedirectCallback();
      signedIn = user;
      state.token = user.access_token;
      state.error = null;
      sessionStorage.setItem(TOKEN_KEY, user.access_token);
      back(user.state?.hash);
    } catch (error) {
      const params = new URLSearchParams(location.search);
      state.error = { code: 'SIGN_IN_FAILED', message: params.get('error_description') || params.get('error') || error.message };
      back();
    }
  }

  /** Whether this address is the provider's answer to a sign-out (?state=… alone). */
  function isSignOutAnswer() {
    const params = new URLSearchParams(location.search);
    return params.has('state') && !params.has('code') && !params.has('error');
  }

  /** The provider has ended its session: forget the sign-out request and clean the address. */
  async function completeSignOut() {
    const um = await userManager();
    await um?.signoutRedirectCallback().catch(() => {});
    history.replaceState(null, '', location.pathname);
  }

  /** Renews the page's token with the provider's refresh token; without one, or when it fails, the platform's UNAUTHENTICATED brings the sign-in back. */
  async function renew() {
    const user = signedIn;
    // Only the provider's token in use is renewed (not a token pasted since), once at a time.
    if (renewing || !user?.refresh_token || state.token !== user.access_token) return;
    renewing = true;
    try {
      const renewed = await (await userManager()).signinSilent();
      if (state.token !== user.access_token) return;
      state.token = renewed.access_token;
      sessionStorage.setItem(TOKEN_KEY, renewed.access_token);
      renderCaller();
    } catch {
      // Nothing to do: the token stays until it expires, then the platform's UNAUTHENTICATED asks to sign in.
    } finally {
      renewing = false;
    }
  }

  /** Sends the browser to the provider. */
  async function begin() {
    const um = await userManager();
    if (!um) return;
    $('#oidc-signin').disabled = true;
    $('#oidc-signin').textContent = t('signInRedirecting');
    try {
      await um.signinRedirect({ state: { hash: location.hash } });
    } catch (error) {
      $('#oidc-signin').disabled = false;
      state.error = { code: 'SIGN_IN_FAILED', message: error.message };
      render();
      renderSignIn();
    }
  }

  /** After the page signed out: ends the provider's session too when the token came from it (the browser leaves for the provider). */
  async function endAtProvider() {
    const um = await userManager();
    const user = um ? await um.getUser() : null;
    if (!user) return;
    await um.removeUser();
    await um.signoutRedirect({ id_token_hint: user.id_token }).catch(() => {});
  }

  /** Shows the provider's button when there is one; the paste box is then the developers' option, folded. */
  async function renderSignIn() {
    const config = await provider();
    const button = $('#oidc-signin');
    button.hidden = !config;
    button.disabled = false;
    $('#signin-help').hidden = !config;
    if (!config) $('#token-paste').open = true;
  }

  function init() {
    $('#oidc-signin').addEventListener('click', () => begin());
    renderSignIn();
    // After a reload: the stored sign-in arms the renewal again.
    if (!isAnswer()) userManager().then((um) => um?.getUser()).then((user) => (signedIn = user ?? null));
  }

  return { completeIfAnswered, endAtProvider, init, renderSignIn };
})();
