'use strict';
// The customer's page. It places, lists and cancels the signed-in customer's own orders through
// the gateway's API with the session (bulwark.js; the services decide whose orders these are). A
// state-changing request carries an Idempotency-Key of its own: sent again with the same key after
// an answer that says "not now" (409 while the first attempt runs, 429, 502, 503, 504), a click
// never places or cancels twice. An order still PENDING is followed until it concludes: five reads
// in its first second, then one a second.

const { call, problemOf, signOut, sleep } = Bulwark;
const ORDERS = '/api/orders';
const RETRIED = new Set([409, 429, 502, 503, 504]);

const table = document.querySelector('#orders tbody');
const empty = document.getElementById('empty');
const tableView = table.closest('.scroll');
const message = document.getElementById('message');
const form = document.getElementById('place');
const placeButton = document.getElementById('place-button');

/** Sends a state-changing request until it is answered for good (the same key each time). */
async function untilAnswered(method, url, body, headers) {
  for (let attempt = 1; ; attempt++) {
    const response = await call(method, url, body, headers);
    if (!RETRIED.has(response.status) || attempt === 6) {
      return response;
    }
    await sleep(250 * 2 ** attempt);
  }
}

function shortId(id) {
  return id.slice(0, 8);
}

function statusCell(order) {
  const cell = document.createElement('td');
  const badge = document.createElement('span');
  badge.className = `status status-${order.status.toLowerCase()}`;
  badge.textContent = order.status;
  cell.append(badge);
  if (order.rejectionReason) {
    const reason = document.createElement('small');
    reason.className = 'reason';
    reason.textContent = order.rejectionReason;
    cell.append(' ', reason);
  }
  return cell;
}

function row(order) {
  const tr = document.createElement('tr');
  tr.dataset.orderId = order.id;
  tr.dataset.status = order.status;

  const id = document.createElement('td');
  const code = document.createElement('code');
  code.textContent = shortId(order.id);
  code.title = order.id;
  id.append(code);

  const items = document.createElement('td');
  items.textContent = order.items.map((item) => `${item.quantity} × ${item.sku}`).join(', ');

  const placed = document.createElement('td');
  const time = document.createElement('time');
  time.dateTime = order.createdAt;
  time.textContent = new Date(order.createdAt).toLocaleString();
  placed.append(time);

  const action = document.createElement('td');
  if (order.status === 'PENDING' || order.status === 'CONFIRMED') {
    const cancel = document.createElement('button');
    cancel.type = 'button';
    cancel.className = 'quiet';
    cancel.textContent = 'Cancel';
    cancel.setAttribute('aria-label', `Cancel order ${shortId(order.id)}`);
    cancel.addEventListener('click', () => cancelOrder(order, cancel));
    action.append(cancel);
  }

  tr.append(id, items, statusCell(order), placed, action);
  return tr;
}

/** "No orders yet" instead of an empty table, or the table. */
function showEmpty(none) {
  empty.hidden = !none;
  tableView.hidden = none;
}

function show(order) {
  const existing = table.querySelector(`tr[data-order-id="${order.id}"]`);
  const fresh = row(order);
  if (existing) {
    existing.replaceWith(fresh);
  } else {
    table.prepend(fresh);
  }
  showEmpty(false);
  if (order.status === 'PENDING') {
    follow(order.id);
  }
}

const followed = new Set();

/** Reads a pending order until the saga has decided it (for two minutes at most). */
async function follow(id) {
  if (followed.has(id)) {
    return;
  }
  followed.add(id);
  try {
    for (let i = 0; i < 120; i++) {
      await sleep(i < 5 ? 200 : 1000);
      const response = await call('GET', `${ORDERS}/${id}`);
      if (!response.ok) {
        continue;
      }
      const order = await response.json();
      if (order.status !== 'PENDING') {
        show(order);
        return;
      }
    }
  } finally {
    followed.delete(id);
  }
}

async function list() {
  const response = await call('GET', `${ORDERS}?limit=50`);
  if (!response.ok) {
    message.textContent = `Your orders could not be listed: ${await problemOf(response)}`;
    return;
  }
  const page = await response.json();
  table.replaceChildren();
  page.items.slice().reverse().forEach(show);
  showEmpty(page.items.length === 0);
}

async function place(event) {
  event.preventDefault();
  if (!form.reportValidity()) {
    return;
  }
  const sku = form.sku.value.trim();
  const quantity = Number(form.quantity.value);
  placeButton.disabled = true;
  message.textContent = 'Placing your order…';
  try {
    const response = await untilAnswered(
      'POST',
      ORDERS,
      { items: [{ sku, quantity }] },
      { 'Idempotency-Key': crypto.randomUUID() },
    );
    if (response.status === 201 || response.status === 200) {
      const order = await response.json();
      message.textContent = `Order ${shortId(order.id)} placed.`;
      show(order);
    } else {
      message.textContent = `The order was not placed: ${await problemOf(response)}`;
    }
  } catch (error) {
    message.textContent = `The order was not placed: ${error.message}`;
  } finally {
    placeButton.disabled = false;
  }
}

async function cancelOrder(order, button) {
  button.disabled = true;
  const response = await untilAnswered('POST', `${ORDERS}/${order.id}/cancel`, undefined, {
    'Idempotency-Key': crypto.randomUUID(),
  });
  if (response.ok) {
    const cancelled = await response.json();
    message.textContent = `Order ${shortId(cancelled.id)} cancelled.`;
    show(cancelled);
  } else {
    message.textContent = `Order ${shortId(order.id)} was not cancelled: ${await problemOf(response)}`;
    button.disabled = false;
  }
}

form.addEventListener('submit', place);
document.getElementById('sign-out').addEventListener('click', signOut);
list();
