'use strict';
// The operator's recovery page. For each service: the outbox's backlog and the dead letters still
// open, each with a redrive (followed until its job has an outcome) and, once inspected, a discard
// for a reason; a redrive of the ones selected, or of every open one matching a filter, at a rate,
// its progress shown until its job is done; order-service's reconciliation checks (drift between
// orders and reservations, sagas stuck past their deadline) with a check on demand; then the
// operators' audit log of both. Everything goes through the services' operations API
// (/api/ops/<service>/...) with the operator's session, which the services check themselves. The
// page reads it again every five seconds while it is visible, and redraws a table only when what it
// shows changed, so that keyboard focus stays where it is.

const { call, cell, facts, problemOf, read, seconds, signOut, sleep } = Bulwark;
const SERVICES = ['order-service', 'inventory-service'];
const REFRESH_MS = 5000;
const ORDER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const services = document.getElementById('services');
const updated = document.getElementById('updated');
const message = document.getElementById('message');
const detail = document.getElementById('detail');
const discardForm = document.getElementById('discard');
const auditBody = document.querySelector('#audit tbody');
const drawn = new Map();
/** The dead letters the operator selected, by service: kept across redraws. */
const selected = new Map(SERVICES.map((service) => [service, new Set()]));
let inspected = null;

function ops(service, path) {
  return `/api/ops/${service}${path}`;
}

function timeCell(instant) {
  const td = document.createElement('td');
  if (instant) {
    const time = document.createElement('time');
    time.dateTime = instant;
    time.textContent = new Date(instant).toLocaleString();
    td.append(time);
  }
  return td;
}

function button(label, accessibleName, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'quiet';
  b.textContent = label;
  b.setAttribute('aria-label', accessibleName);
  b.addEventListener('click', () => onClick(b));
  return b;
}

/** The card of one service, made once. */
function card(service) {
  let section = document.getElementById(`service-${service}`);
  if (section) {
    return section;
  }
  section = document.createElement('section');
  section.id = `service-${service}`;
  section.className = 'card';
  section.dataset.service = service;
  section.setAttribute('aria-labelledby', `${service}-heading`);
  section.innerHTML = `
    <h2 id="${service}-heading">${service}</h2>
    <dl class="facts summary"></dl>
    <p class="empty" hidden>No open dead letters.</p>
    <div class="scroll">
      <table class="letters">
        <caption class="visually-hidden">Open dead letters of ${service}, oldest first</caption>
        <thead>
          <tr>
            <th scope="col"><span class="visually-hidden">Selected</span></th>
            <th scope="col">Id</th>
            <th scope="col">Topic</th>
            <th scope="col">Failure</th>
            <th scope="col">Attempts</th>
            <th scope="col">First failed</th>
            <th scope="col"><span class="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody></tbody>
      </table>
    </div>
    <form class="bulk" novalidate>
      <button type="button" class="redrive-selected" disabled>Redrive selected</button>
      <fieldset>
        <legend>Or redrive every open dead letter of ${service} that matches</legend>
        <div class="field">
          <label for="${service}-topic">Topic</label>
          <input id="${service}-topic" name="topic" autocomplete="off" placeholder="any">
        </div>
        <div class="field">
          <label for="${service}-type">Event type</label>
          <input id="${service}-type" name="type" autocomplete="off" placeholder="any">
        </div>
        <div class="field">
          <label for="${service}-error">Error contains</label>
          <input id="${service}-error" name="error" autocomplete="off" placeholder="anything">
        </div>
        <div class="field">
          <label for="${service}-older">Failed</label>
          <select id="${service}-older" name="olderThan">
            <option value="">at any time</option>
            <option value="1m">over a minute ago</option>
            <option value="10m">over 10 minutes ago</option>
            <option value="1h">over an hour ago</option>
            <option value="1d">over a day ago</option>
          </select>
        </div>
        <div class="field">
          <label for="${service}-rate">Records per second</label>
          <input id="${service}-rate" name="rate" type="number" min="1" inputmode="numeric"
                 placeholder="as fast as allowed">
        </div>
        <button type="submit" class="redrive-matching">Redrive all matching</button>
      </fieldset>
      <div class="job" hidden>
        <progress max="1" value="0"></progress>
        <p class="job-status" role="status" aria-live="polite"></p>
      </div>
    </form>`;
  services.append(section);
  section.querySelector('.redrive-selected').addEventListener('click', (event) =>
    redriveSelected(service, event.currentTarget),
  );
  section.querySelector('form.bulk').addEventListener('submit', (event) => {
    event.preventDefault();
    redriveMatching(service, event.currentTarget);
  });
  return section;
}

function showState(service, state) {
  const backlog = state.outboxBacklog.reduce((sum, shard) => sum + shard.unpublished, 0);
  const oldest = Math.max(0, ...state.outboxBacklog.map((shard) => seconds(shard.oldestAge) || 0));
  const open = Object.values(state.deadLetters).reduce(
    (sum, byStatus) => sum + (byStatus.OPEN || 0),
    0,
  );
  facts(card(service).querySelector('.summary'), [
    ['Open dead letters', `${open}`],
    ['Outbox backlog', `${backlog} records`],
    ['Oldest unpublished', backlog === 0 ? 'none' : `${oldest.toFixed(1)} s`],
    ['Failing relay shards', `${state.failingShards.length}`],
  ]);
}

/** The flow page's timeline of the order a record is about: every event here is keyed by its order. */
function timelineLink(key) {
  if (!key || !ORDER_ID.test(key)) {
    return null;
  }
  const a = document.createElement('a');
  a.href = `/console/flow?order=${encodeURIComponent(key)}`;
  a.textContent = 'Timeline';
  a.setAttribute('aria-label', `Timeline of order ${key}`);
  return a;
}

function letterRow(service, letter) {
  const tr = document.createElement('tr');
  tr.dataset.id = letter.id;
  tr.dataset.service = service;
  // the exception's simple name and the start of its message; Inspect shows all of it
  const kind = (letter.failure.exceptionClass || '').split('.').pop();
  const said = letter.failure.message || '';
  const failure = [kind, said.length > 120 ? `${said.slice(0, 120)}…` : said]
    .filter(Boolean)
    .join(': ');
  const actions = document.createElement('td');
  actions.className = 'actions';
  actions.append(
    button('Inspect', `Inspect dead letter ${letter.id} of ${service}`, () =>
      inspect(service, letter.id),
    ),
    ' ',
    button('Redrive', `Redrive dead letter ${letter.id} of ${service}`, (b) =>
      redrive(service, letter.id, b, letter.key),
    ),
  );
  const timeline = timelineLink(letter.key);
  if (timeline) {
    actions.append(' ', timeline);
  }
  const pick = document.createElement('td');
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.checked = selected.get(service).has(letter.id);
  box.setAttribute('aria-label', `Select dead letter ${letter.id} of ${service}`);
  box.addEventListener('change', () => {
    if (box.checked) {
      selected.get(service).add(letter.id);
    } else {
      selected.get(service).delete(letter.id);
    }
    showSelection(service);
  });
  pick.append(box);
  tr.append(
    pick,
    cell(`${letter.id}`),
    cell(`${letter.source.topic}${letter.eventType ? ` (${letter.eventType})` : ''}`),
    cell(failure || 'unknown', 'failure'),
    cell(`${letter.attempts}`),
    timeCell(letter.failure.firstFailedAt),
    actions,
  );
  return tr;
}

function showLetters(service, letters) {
  const section = card(service);
  const key = JSON.stringify(letters.map((l) => [l.id, l.attempts, l.status]));
  section.querySelector('.empty').hidden = letters.length > 0;
  section.querySelector('.scroll').hidden = letters.length === 0;
  if (drawn.get(service) === key) {
    return;
  }
  drawn.set(service, key);
  const listed = new Set(letters.map((letter) => letter.id));
  const chosen = selected.get(service);
  [...chosen].filter((id) => !listed.has(id)).forEach((id) => chosen.delete(id));
  section
    .querySelector('.letters tbody')
    .replaceChildren(...letters.map((letter) => letterRow(service, letter)));
  showSelection(service);
}

function showSelection(service) {
  const count = selected.get(service).size;
  const redrive = card(service).querySelector('.redrive-selected');
  redrive.disabled = count === 0;
  redrive.textContent = count === 0 ? 'Redrive selected' : `Redrive ${count} selected`;
}

function showAudit(entries) {
  const key = JSON.stringify(entries.map((e) => [e.service, e.id]));
  if (drawn.get('audit') === key) {
    return;
  }
  drawn.set('audit', key);
  auditBody.replaceChildren(
    ...entries.map((entry) => {
      const tr = document.createElement('tr');
      tr.append(
        timeCell(entry.at),
        cell(entry.service),
        cell(entry.actor),
        cell(entry.action),
        cell(entry.target),
        cell(entry.outcome),
      );
      return tr;
    }),
  );
}

const RECONCILIATIONS = '/api/ops/order-service/reconciliations';

const DRIFT = {
  HELD_FOR_CONCLUDED_ORDER: 'stock held for a concluded order',
  HELD_WITHOUT_ORDER: 'stock held for no order',
  CONFIRMED_WITHOUT_RESERVATION: 'confirmed without its reservation',
  PENDING_PAST_DEADLINE: 'saga stuck past its deadline',
};

function showReconciliations(runs) {
  const key = JSON.stringify(runs.map((run) => run.id));
  if (drawn.get('reconciliations') === key) {
    return;
  }
  drawn.set('reconciliations', key);
  document.querySelector('#reconciliations tbody').replaceChildren(
    ...runs.map((run) => {
      const tr = document.createElement('tr');
      tr.dataset.id = run.id;
      tr.append(
        cell(`${run.id}`),
        timeCell(run.startedAt),
        cell(run.requestedBy ? `${run.trigger}, by ${run.requestedBy}` : run.trigger),
        cell(`${run.ordersChecked}`),
        cell(`${run.drift}`),
        cell(`${run.repaired}`),
      );
      return tr;
    }),
  );
  const latest = runs[0];
  const findings = latest ? latest.findings : [];
  const rows = findings.map((drift) => {
    const tr = document.createElement('tr');
    tr.append(
      cell(drift.orderId),
      cell(DRIFT[drift.kind] || drift.kind),
      cell(drift.orderStatus || '—'),
      cell(drift.reservationStatus || '—'),
      cell(drift.repair || 'reported: needs a decision'),
    );
    return tr;
  });
  if (rows.length === 0) {
    const tr = document.createElement('tr');
    const none = cell(latest ? `Check ${latest.id} found no drift.` : 'No check yet.', 'muted');
    none.colSpan = 5;
    tr.append(none);
    rows.push(tr);
  }
  document.querySelector('#findings tbody').replaceChildren(...rows);
}

async function reconcile(event) {
  const trigger = event.currentTarget;
  trigger.disabled = true;
  message.textContent = 'Checking orders against reservations…';
  try {
    const response = await call('POST', RECONCILIATIONS);
    if (response.status === 201) {
      const run = await response.json();
      message.textContent = `Check ${run.id}: ${run.ordersChecked} orders checked, ${run.drift} drift, ${run.repaired} repaired.`;
      await refresh();
    } else {
      message.textContent = `No check was run: ${await problemOf(response)}`;
    }
  } finally {
    trigger.disabled = false;
  }
}

async function refresh() {
  const problems = [];
  const audit = [];
  await Promise.all(
    SERVICES.map(async (service) => {
      try {
        const [state, letters, log] = await Promise.all([
          read(ops(service, '/state')),
          read(ops(service, '/dead-letters?limit=50')),
          read(ops(service, '/audit?limit=20')),
        ]);
        showState(service, state);
        showLetters(service, letters.items);
        audit.push(...log.items.map((entry) => ({ ...entry, service })));
      } catch (error) {
        problems.push(`${service} did not answer: ${error.message}`);
      }
    }),
  );
  try {
    showReconciliations((await read(`${RECONCILIATIONS}?limit=5`)).items);
  } catch (error) {
    problems.push(`reconciliation did not answer: ${error.message}`);
  }
  audit.sort((a, b) => b.at.localeCompare(a.at));
  showAudit(audit.slice(0, 20));
  updated.textContent = `Updated ${new Date().toLocaleTimeString()}${
    problems.length ? ` · ${problems.join(' · ')}` : ''
  }`;
}

async function inspect(service, id) {
  const response = await call('GET', ops(service, `/dead-letters/${id}`));
  if (!response.ok) {
    message.textContent = `Dead letter ${id} could not be read: ${await problemOf(response)}`;
    return;
  }
  const letter = await response.json();
  inspected = { service, id };
  document.getElementById('detail-heading').textContent = `Dead letter ${id} of ${service}`;
  facts(document.getElementById('detail-facts'), [
    ['Topic', `${letter.source.topic} (partition ${letter.source.partition}, offset ${letter.source.offset})`],
    ['Consumer group', letter.source.consumerGroup || 'none'],
    ['Event', `${letter.eventType || 'unknown type'} ${letter.eventId || ''}`.trim()],
    ['Key', letter.key || 'none'],
    ['Correlation id', letter.correlationId || 'none'],
    ['Failure', [letter.failure.exceptionClass, letter.failure.message].filter(Boolean).join(': ')],
    ['Status', letter.status],
  ]);
  const payload = letter.payload ?? letter.payloadText ?? letter.payloadBase64 ?? '';
  document.getElementById('detail-payload').textContent =
    typeof payload === 'string' ? payload : JSON.stringify(payload, null, 2);
  discardForm.reason.value = '';
  detail.hidden = false;
  document.getElementById('detail-heading').focus();
}

/**
 * Starts a redrive job on the service (by ids or by filter) and follows it, showing its progress in
 * the service's card, until it is done; the job as last read, or null when it was not started
 * (the message then says why).
 */
async function redriveJob(service, request, what) {
  const job = card(service).querySelector('.job');
  const bar = job.querySelector('progress');
  const status = job.querySelector('.job-status');
  const started = await call('POST', ops(service, '/redrives'), request);
  if (started.status !== 202) {
    message.textContent = `${what} was not redriven: ${await problemOf(started)}`;
    return null;
  }
  const location = started.headers.get('Location');
  job.hidden = false;
  for (;;) {
    const progress = await read(location);
    const outcomes = Object.entries(progress.job.outcomes || {})
      .map(([outcome, count]) => `${outcome} ${count}`)
      .join(', ');
    bar.max = Math.max(1, progress.job.total);
    bar.value = progress.done;
    status.textContent = `Redrive ${progress.job.id} (${progress.job.description}): ${progress.done} of ${progress.job.total} done${outcomes ? ` · ${outcomes}` : ''}${progress.job.status === 'DONE' ? '.' : '…'}`;
    job.dataset.done = progress.job.status === 'DONE' ? 'true' : 'false';
    if (progress.job.status === 'DONE') {
      return progress;
    }
    await sleep(500);
  }
}

/** Redrives one record and says its outcome, with a link to its order's timeline. */
async function redrive(service, id, trigger, key) {
  trigger.disabled = true;
  message.textContent = `Redriving dead letter ${id}…`;
  try {
    const progress = await redriveJob(service, { ids: [id] }, `Dead letter ${id}`);
    if (progress) {
      const item = progress.results.items.find((each) => each.deadLetterId === id);
      const outcome = item ? item.outcome : 'no outcome';
      message.textContent = `Redrive of dead letter ${id}: ${outcome}${
        item && item.detail ? ` (${item.detail})` : ''
      }.`;
      message.dataset.outcome = outcome;
      const timeline = timelineLink(key);
      if (timeline) {
        timeline.textContent = "See its order's timeline";
        message.append(' ', timeline);
      }
      await refresh();
    }
  } catch (error) {
    message.textContent = `Dead letter ${id} was not redriven: ${error.message}`;
  } finally {
    trigger.disabled = false;
  }
}

async function redriveSelected(service, trigger) {
  const ids = [...selected.get(service)].sort((a, b) => a - b);
  trigger.disabled = true;
  try {
    if (await redriveJob(service, { ids }, `The selection of ${ids.length}`)) {
      selected.get(service).clear();
      await refresh();
    }
  } catch (error) {
    message.textContent = `The selection was not redriven: ${error.message}`;
  } finally {
    showSelection(service);
  }
}

async function redriveMatching(service, form) {
  const filter = {};
  for (const name of ['topic', 'type', 'error', 'olderThan']) {
    const value = form.elements[name].value.trim();
    if (value) {
      filter[name] = value;
    }
  }
  const rate = form.elements.rate.value.trim();
  const submit = form.querySelector('.redrive-matching');
  submit.disabled = true;
  try {
    const request = rate ? { filter, ratePerSecond: Number(rate) } : { filter };
    if (await redriveJob(service, request, 'Nothing')) {
      await refresh();
    }
  } catch (error) {
    message.textContent = `Nothing was redriven: ${error.message}`;
  } finally {
    submit.disabled = false;
  }
}

async function discard(event) {
  event.preventDefault();
  if (!inspected || !discardForm.reportValidity()) {
    return;
  }
  const { service, id } = inspected;
  const response = await call('POST', ops(service, `/dead-letters/${id}/discard`), {
    reason: discardForm.reason.value.trim(),
  });
  if (response.ok) {
    message.textContent = `Dead letter ${id} discarded.`;
    closeDetail();
    await refresh();
  } else {
    message.textContent = `Dead letter ${id} was not discarded: ${await problemOf(response)}`;
  }
}

function closeDetail() {
  detail.hidden = true;
  inspected = null;
}

discardForm.addEventListener('submit', discard);
document.getElementById('reconcile').addEventListener('click', reconcile);
document.getElementById('detail-close').addEventListener('click', closeDetail);
document.getElementById('sign-out').addEventListener('click', signOut);
refresh();
setInterval(() => {
  if (document.visibilityState === 'visible') {
    refresh();
  }
}, REFRESH_MS);
