'use strict';
// What Bulwark's pages share: requests to the gateway with the browser's session (the gateway relays
// the session's access token; the services decide what the caller may see and do), the CSRF token
// from the XSRF-TOKEN cookie on a state-changing request, a sign-in again when the session has
// ended, and the readable text of a problem (RFC 9457).
const Bulwark = (() => {
  function xsrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)XSRF-TOKEN=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : '';
  }

  function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** The problem's detail, else its title, else the status. */
  async function problemOf(response) {
    try {
      const problem = await response.json();
      return problem.detail || problem.title || `HTTP ${response.status}`;
    } catch {
      return `HTTP ${response.status}`;
    }
  }

  async function send(method, url, body, headers) {
    const request = {
      method,
      credentials: 'same-origin',
      headers: { Accept: 'application/json', ...headers },
    };
    if (method !== 'GET') {
      request.headers['X-XSRF-TOKEN'] = xsrfToken();
    }
    if (body !== undefined) {
      request.headers['Content-Type'] = 'application/json';
      request.body = JSON.stringify(body);
    }
    return fetch(url, request);
  }

  /**
   * One request of the page. The first state-changing request of a session may come before its
   * CSRF cookie, whose 403 brings the cookie: it is sent once more, with it.
   */
  async function call(method, url, body, headers = {}) {
    const hadToken = xsrfToken() !== '';
    let response = await send(method, url, body, headers);
    if (response.status === 403 && method !== 'GET' && !hadToken && xsrfToken()) {
      response = await send(method, url, body, headers);
    }
    if (response.status === 401) {
      window.location.assign(window.location.pathname);
      throw new Error('signed out');
    }
    return response;
  }

  async function signOut() {
    await call('POST', '/logout').catch(() => undefined);
    window.location.assign(window.location.pathname);
  }

  return { call, problemOf, signOut, sleep };
})();
