'use strict';
// The operator's flow page: one stream of samples from the gateway (server-sent events), each the
// order requests this gateway answered second by second with their latency, and order-service's
// flow (orders placed and concluded per second, the sagas' latency, orders by status, the latest
// orders). Choosing an order (or an address ?order=<id>) opens its timeline, read from both
// services' operations API with the browser's session: each step of its saga, when and on which
// instance, what a service gave up on and what became of it, its trace and its idempotency key.

const { badge, cell, draw, facts, read, signOut, watch } = Bulwark;

const live = document.getElementById('live');
const SVG = 'http://www.w3.org/2000/svg';
/** The charts' left margin, where the axis is labelled. */
const LEFT = 56;
const TONES = { PENDING: 'pending', CONFIRMED: 'confirmed', REJECTED: 'rejected', CANCELLED: 'cancelled' };
const REQUESTS = [
  ['created', 'Placed', 'ok'],
  ['replayed', 'Replayed (same key)', 'info'],
  ['refused', 'Refused (4xx)', 'wait'],
  ['limited', 'Rate limited (429)', 'off'],
  ['failed', 'Failed (5xx)', 'bad'],
];
const SAGAS = [
  ['confirmed', 'Confirmed', 'ok'],
  ['rejected', 'Rejected', 'bad'],
  ['cancelled', 'Cancelled', 'off'],
];
const LATENCIES = [
  ['p50Ms', 'Median', 'info'],
  ['p99Ms', '99th percentile', 'bad'],
];
let traceUrl = '';

function element(name, attributes = {}) {
  const made = document.createElementNS(SVG, name);
  Object.entries(attributes).forEach(([key, value]) => made.setAttribute(key, value));
  return made;
}

/** A round upper bound for an axis: 1, 2 or 5 times a power of ten. */
function roundUp(value) {
  const power = 10 ** Math.floor(Math.log10(Math.max(value, 1e-9)));
  return [1, 2, 5, 10].map((step) => step * power).find((bound) => bound >= value);
}

/** A count with its noun, singular or plural. */
function count(n, noun) {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Events per second over {@code seconds}, with the digits a small rate needs. */
function rate(events, seconds) {
  const perSecond = events / seconds;
  return `${perSecond.toFixed(perSecond > 0 && perSecond < 1 ? 2 : 1)}/s`;
}

function ms(value) {
  if (value === null || value === undefined) {
    return '—';
  }
  return value >= 100 ? `${Math.round(value)} ms` : `${value.toFixed(1)} ms`;
}

/** The chart's frame: an axis from 0 to {@code top} with its unit, and the minute it spans. */
function frame(width, height, top, unit) {
  const chart = element('svg', { viewBox: `0 0 ${width} ${height}`, class: 'plot' });
  chart.append(
    element('line', { x1: LEFT, x2: width, y1: height - 18, y2: height - 18, class: 'axis' }),
    element('line', { x1: LEFT, x2: width, y1: 8, y2: 8, class: 'grid' }),
  );
  const label = (x, y, text, anchor) => {
    const t = element('text', { x, y, 'text-anchor': anchor, class: 'tick' });
    t.textContent = text;
    return t;
  };
  chart.append(
    label(LEFT - 4, 12, `${top} ${unit}`, 'end'),
    label(LEFT - 4, height - 18, '0', 'end'),
    label(LEFT, height - 3, '60 s ago', 'start'),
    label(width, height - 3, 'now', 'end'),
  );
  return chart;
}

/** Stacked bars, a bar per second; the legend tells each series' total over the minute. */
function bars(figure, seconds, series, unit) {
  const width = 600;
  const height = 150;
  const totals = seconds.map((s) => series.reduce((sum, [key]) => sum + (s[key] || 0), 0));
  const top = roundUp(Math.max(1, ...totals));
  const chart = frame(width, height, top, unit);
  const slot = (width - LEFT) / seconds.length;
  const plot = height - 26;
  seconds.forEach((second, i) => {
    let y = height - 18;
    series.forEach(([key, , tone]) => {
      const h = ((second[key] || 0) / top) * plot;
      if (h > 0) {
        y -= h;
        chart.append(
          element('rect', {
            x: (LEFT + i * slot + 0.5).toFixed(1),
            y: y.toFixed(1),
            width: Math.max(1, slot - 1).toFixed(1),
            height: h.toFixed(1),
            class: `fill-${tone}`,
          }),
        );
      }
    });
  });
  const sums = series.map(([key, name, tone]) => [
    name,
    tone,
    seconds.reduce((sum, s) => sum + (s[key] || 0), 0),
  ]);
  const said = sums.map(([name, , sum]) => `${name} ${sum} (${rate(sum, seconds.length)})`);
  chart.setAttribute('role', 'img');
  chart.setAttribute('aria-label', `Last ${seconds.length} s: ${said.join(', ')}`);
  figure.querySelector('.chart').replaceChildren(chart);
  legend(figure, sums.map(([name, tone, sum]) => [tone, `${name}: ${sum} (${rate(sum, seconds.length)})`]));
}

/** Lines, a point per second that had one; a second without a value breaks the line. */
function lines(figure, seconds, series, unit) {
  const width = 600;
  const height = 150;
  const values = seconds.flatMap((s) => series.map(([key]) => s[key]).filter((v) => v !== null));
  const top = roundUp(Math.max(1, ...values));
  const chart = frame(width, height, top, unit);
  const slot = (width - LEFT) / seconds.length;
  const plot = height - 26;
  series.forEach(([key, , tone]) => {
    let points = [];
    const flush = () => {
      if (points.length) {
        chart.append(element('polyline', { points: points.join(' '), class: `line-${tone}` }));
      }
      points = [];
    };
    seconds.forEach((second, i) => {
      const value = second[key];
      if (value === null || value === undefined) {
        flush();
      } else {
        const x = LEFT + (i + 0.5) * slot;
        const y = height - 18 - (Math.min(value, top) / top) * plot;
        points.push(`${x.toFixed(1)},${y.toFixed(1)}`);
        chart.append(element('circle', { cx: x.toFixed(1), cy: y.toFixed(1), r: 2.5, class: `fill-${tone}` }));
      }
    });
    flush();
  });
  chart.setAttribute('role', 'img');
  const latest = [...seconds].reverse().find((s) => s[series[0][0]] !== null);
  chart.setAttribute(
    'aria-label',
    latest
      ? `Latest second with requests: ${series.map(([key, name]) => `${name} ${ms(latest[key])}`).join(', ')}`
      : 'No requests in the last minute',
  );
  figure.querySelector('.chart').replaceChildren(chart);
  legend(figure, series.map(([, name, tone]) => [tone, name]));
}

function legend(figure, entries) {
  figure.querySelector('.legend').replaceChildren(
    ...entries.map(([tone, text]) => {
      const li = document.createElement('li');
      const swatch = document.createElement('span');
      swatch.className = `swatch fill-${tone}`;
      swatch.setAttribute('aria-hidden', 'true');
      li.append(swatch, text);
      return li;
    }),
  );
}

function showRequests(requests) {
  bars(document.getElementById('requests-chart'), requests.seconds, REQUESTS, '/s');
  lines(document.getElementById('post-latency-chart'), requests.seconds, LATENCIES, 'ms');
  const latency = requests.latency;
  facts(document.getElementById('post-latency'), [
    ['Answered', count(latency.answered, 'request')],
    ['Median', ms(latency.p50Ms)],
    ['95th percentile', ms(latency.p95Ms)],
    ['99th percentile', ms(latency.p99Ms)],
  ]);
}

function orderRow(order) {
  const tr = document.createElement('tr');
  tr.dataset.id = order.id;
  const th = document.createElement('th');
  th.scope = 'row';
  const open = document.createElement('button');
  open.type = 'button';
  open.className = 'link';
  open.textContent = order.id.slice(0, 8);
  open.setAttribute('aria-label', `Timeline of order ${order.id}`);
  open.addEventListener('click', () => openTimeline(order.id));
  th.append(open);
  tr.append(
    th,
    cell(order.customerId),
    badge(order.status, TONES[order.status] || 'pending'),
    cell(new Date(order.createdAt).toLocaleTimeString()),
    cell(order.tookMs === null || order.tookMs === undefined ? 'running' : `${order.tookMs} ms`),
  );
  return tr;
}

function showOrders(flow) {
  bars(document.getElementById('sagas-chart'), flow.seconds, SAGAS, '/s');
  const placed = flow.seconds.reduce((sum, s) => sum + s.placed, 0);
  const saga = flow.sagaLatency;
  facts(document.getElementById('saga-latency'), [
    ['Placed', `${count(placed, 'order')} (${rate(placed, flow.windowSeconds)})`],
    ['Concluded', count(saga.concluded, 'saga')],
    ['Median', ms(saga.p50Ms)],
    ['95th percentile', ms(saga.p95Ms)],
    ['99th percentile', ms(saga.p99Ms)],
    ['Longest', ms(saga.maxMs)],
  ]);
  draw(
    document.querySelector('#by-status tbody'),
    'by-status',
    Object.entries(flow.byStatus).map(([status, count]) => [
      badge(status, TONES[status] || 'pending'),
      cell(`${count}`),
    ]),
  );
  document.getElementById('by-status-caption').textContent =
    `Every order, counted at ${new Date(flow.byStatusAt).toLocaleTimeString()}`;
  draw(document.querySelector('#latest tbody'), 'latest', flow.latest.map(orderRow), 'No orders yet.');
}

function show(sample) {
  traceUrl = sample.traceUrl || '';
  showRequests(sample.requests);
  const unavailable = document.getElementById('orders-unavailable');
  unavailable.hidden = Boolean(sample.orders);
  unavailable.textContent = sample.orders
    ? ''
    : `order-service's flow could not be read: ${sample.ordersUnavailable}`;
  if (sample.orders) {
    showOrders(sample.orders);
  }
}

// ---- an order's timeline ----

function trail(service, id, consumed) {
  const query = consumed.length ? `?consumed=${consumed.map((event) => event.eventId).join(',')}` : '';
  return read(`/api/ops/${service}/messages/${encodeURIComponent(id)}${query}`);
}

/** What became of a message a service gave up on, as steps: failed, dead-lettered, then its end. */
function deadLetterSteps(service, letter) {
  const event = letter.eventType || 'a record';
  const list = [
    { at: letter.firstFailedAt, what: `Failed in ${service}: ${event}: ${letter.error || 'no message'}`, failed: true },
    { at: letter.lastFailedAt, what: `Dead-lettered by ${service} after ${letter.attempts} attempts (dead letter ${letter.id})`, failed: true },
  ];
  if (letter.redrivenAt) {
    list.push({ at: letter.redrivenAt, what: `Dead letter ${letter.id} redriven by an operator: ${letter.redriveOutcome}` });
  } else if (letter.discardedAt) {
    list.push({ at: letter.discardedAt, what: `Dead letter ${letter.id} discarded by ${letter.discardedBy}` });
  } else {
    list.push({ what: `Dead letter ${letter.id} open: redrive or discard it on the recovery page`, pending: true });
  }
  return list;
}

/** The saga's steps as the two services' tables recorded them, in the order they happened. */
function steps(order, placing, inventory, replies) {
  const type = new Map([...placing.appended, ...inventory.appended].map((e) => [e.eventId, e.eventType]));
  const list = [
    { at: order.createdAt, what: 'Request accepted', by: placing.appended[0] && placing.appended[0].appendedBy, first: true },
  ];
  const appended = (events, service, committed) =>
    events.forEach((event) => {
      list.push({ at: event.appendedAt, what: `${committed}: ${event.eventType} (${service}'s outbox)`, by: event.appendedBy, trace: event.traceId });
      list.push(
        event.publishedAt
          ? { at: event.publishedAt, what: `Published ${event.eventType} to ${event.topic}`, by: event.publishedBy }
          : { what: `${event.eventType} not yet published`, pending: true },
      );
    });
  appended(placing.appended, 'order-service', 'Outbox commit');
  inventory.deadLettered.forEach((letter) => list.push(...deadLetterSteps('inventory-service', letter)));
  inventory.consumed.forEach((c) =>
    list.push({ at: c.processedAt, what: `Consumed by inventory-service: ${type.get(c.messageId)}`, by: c.processedBy }),
  );
  appended(inventory.appended, 'inventory-service', 'Reply committed');
  placing.deadLettered.forEach((letter) => list.push(...deadLetterSteps('order-service', letter)));
  replies.consumed.forEach((c) =>
    list.push({ at: c.processedAt, what: `Reply consumed by order-service: ${type.get(c.messageId)}`, by: c.processedBy, reply: true }),
  );
  const timed = list.filter((step) => step.at).sort((a, b) => (a.first ? -1 : b.first ? 1 : Date.parse(a.at) - Date.parse(b.at)));
  const last = timed.filter((step) => step.reply).pop();
  if (last && order.status !== 'PENDING') {
    last.what += `; concluded ${order.status}`;
  }
  return [...timed, ...list.filter((step) => !step.at)];
}

function traceLink(traceId) {
  if (!traceUrl) {
    return document.createTextNode(traceId);
  }
  const a = document.createElement('a');
  a.href = traceUrl.replace('{traceId}', traceId);
  a.target = '_blank';
  a.rel = 'noopener';
  a.textContent = traceId;
  return a;
}

function showTimeline(order, list, keys) {
  const start = Date.parse(order.createdAt);
  document.getElementById('timeline-steps').replaceChildren(
    ...list.map((step) => {
      const li = document.createElement('li');
      li.className = step.pending ? 'pending' : step.failed ? 'failed' : '';
      const when = document.createElement('span');
      when.className = 'when';
      when.textContent = step.at
        ? `${new Date(step.at).toLocaleTimeString()} · +${Math.max(0, Date.parse(step.at) - start)} ms`
        : 'not yet';
      const what = document.createElement('span');
      what.className = 'what';
      what.textContent = step.what;
      li.append(when, what);
      if (step.by) {
        const by = document.createElement('span');
        by.className = 'by muted';
        by.textContent = `on ${step.by}`;
        li.append(by);
      }
      return li;
    }),
  );
  const trace = list.find((step) => step.trace);
  const key = keys[0];
  const factList = document.getElementById('timeline-facts');
  facts(factList, [
    ['Customer', order.customerId],
    ['Status', order.status + (order.rejectionReason ? ` (${order.rejectionReason})` : '')],
    ['Trace', trace ? '' : 'none recorded'],
    [
      'Idempotency key',
      key
        ? `${key.key}: first answered ${key.status}; a retry with it gets this order, until ${new Date(key.expiresAt).toLocaleString()}`
        : 'none held (placed without one, or it expired)',
    ],
  ]);
  if (trace) {
    factList.querySelectorAll('dd')[2].replaceChildren(traceLink(trace.trace));
  }
}

async function openTimeline(id) {
  const section = document.getElementById('timeline');
  const message = document.getElementById('timeline-message');
  section.hidden = false;
  section.dataset.id = id;
  document.getElementById('timeline-heading').textContent = `Order ${id}`;
  document.getElementById('timeline-heading').focus();
  message.textContent = 'Loading its timeline…';
  try {
    const [order, placing, keys] = await Promise.all([
      read(`/api/orders/${encodeURIComponent(id)}`),
      trail('order-service', id, []),
      read(`/api/ops/order-service/idempotency-keys?resource=${encodeURIComponent(`/api/orders/${id}`)}`),
    ]);
    const inventory = await trail('inventory-service', id, placing.appended);
    const replies = inventory.appended.length
      ? await trail('order-service', id, inventory.appended)
      : { consumed: [], deadLettered: [] };
    if (section.dataset.id !== id) {
      return;
    }
    const list = steps(order, placing, inventory, replies);
    showTimeline(order, list, keys);
    section.dataset.steps = `${list.filter((step) => step.at).length}`;
    message.textContent = placing.appended.length
      ? ''
      : 'Its events are no longer kept (the outbox keeps published events for an hour).';
  } catch (e) {
    message.textContent = `Could not read its timeline: ${e.message}`;
  }
}

document.getElementById('timeline-close').addEventListener('click', () => {
  document.getElementById('timeline').hidden = true;
});
document.getElementById('sign-out').addEventListener('click', signOut);
watch('/console/flow/stream', 'flow', show, live);
// an address naming an order opens its timeline at once (the recovery page links here)
const named = new URLSearchParams(window.location.search).get('order');
if (named) {
  openTimeline(named);
}
