'use strict';
// What Bulwark's pages share: requests to the gateway with the browser's session (the gateway relays
// the session's access token; the services decide what the caller may see and do), the CSRF token
// from the XSRF-TOKEN cookie on a state-changing request, a sign-in again when the session has
// ended, the readable text of a problem (RFC 9457), and the few pieces the pages draw with.
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

  /** The JSON a GET of {@code url} answers; an error naming the url and the problem otherwise. */
  async function read(url) {
    const response = await call('GET', url);
    if (!response.ok) {
      throw new Error(`${url}: ${await problemOf(response)}`);
    }
    return response.json();
  }

  /** A table cell holding {@code text}. */
  function cell(text, className) {
    const td = document.createElement('td');
    td.textContent = text;
    if (className) {
      td.className = className;
    }
    return td;
  }

  /** Fills a description list with [term, value] pairs. */
  function facts(list, entries) {
    list.replaceChildren(
      ...entries.flatMap(([term, value]) => {
        const dt = document.createElement('dt');
        dt.textContent = term;
        const dd = document.createElement('dd');
        dd.textContent = value;
        return [dt, dd];
      }),
    );
  }

  /** An ISO-8601 duration as Java writes it (PT12.5S, PT3M4S, PT1H2M) in seconds; else null. */
  function seconds(duration) {
    const match = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?$/.exec(duration || '');
    if (!match) {
      return null;
    }
    return Number(match[1] || 0) * 3600 + Number(match[2] || 0) * 60 + Number(match[3] || 0);
  }

  /** A row header cell. */
  function header(text) {
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = text;
    return th;
  }

  /** A cell holding a status badge in a tone (confirmed, pending, rejected, cancelled). */
  function badge(text, tone) {
    const td = document.createElement('td');
    const span = document.createElement('span');
    span.className = `status status-${tone}`;
    span.textContent = text;
    td.append(span);
    return td;
  }

  const drawn = new Map();

  /**
   * Redraws a table body only when what it shows changed, so nothing flickers and focus stays; a
   * table with no rows says so in words ({@code none}). A row is its cells, or a row element.
   */
  function draw(body, key, rows, none) {
    const cellsOf = (row) => (Array.isArray(row) ? row : [...row.cells]);
    const signature = JSON.stringify(rows.map((row) => cellsOf(row).map((c) => c.textContent)));
    if (drawn.get(key) === signature) {
      return;
    }
    drawn.set(key, signature);
    if (rows.length === 0 && none) {
      const empty = cell(none, 'muted');
      empty.colSpan = body.parentElement.querySelectorAll('thead th').length;
      rows = [[empty]];
    }
    body.replaceChildren(
      ...rows.map((row) => {
        if (!Array.isArray(row)) {
          return row;
        }
        const tr = document.createElement('tr');
        tr.append(...row);
        return tr;
      }),
    );
  }

  /**
   * Draws each sample of a console stream (server-sent events named {@code event}) as it arrives,
   * and says in {@code live} when the latest was taken; the browser's EventSource reconnects by
   * itself when the stream ends or breaks.
   */
  function watch(url, event, show, live) {
    const stream = new EventSource(url);
    stream.addEventListener(event, (message) => {
      const sample = JSON.parse(message.data);
      show(sample);
      const at = new Date(sample.at);
      live.textContent = `Live: a sample every ${sample.intervalMs / 1000} s; the latest taken at ${at.toLocaleTimeString()}.`;
      live.dataset.at = sample.at;
    });
    stream.addEventListener('error', () => {
      live.textContent = 'Connection lost; reconnecting…';
    });
    return stream;
  }

  async function signOut() {
    await call('POST', '/logout').catch(() => undefined);
    window.location.assign(window.location.pathname);
  }

  return { badge, call, cell, draw, facts, header, problemOf, read, seconds, signOut, sleep, watch };
})();
