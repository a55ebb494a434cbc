'use strict';
// The operator's chaos page: the local run's faults, a steady order load to feel them with, and the
// platform's state as the health stream shows it. Its requests go to the gateway, which relays them
// to the run's chaos agent (the agent's token never reaches the browser); the agent's state is read
// every second while the page is visible, the platform's health streams from the gateway's sampler.

const { call, cell, draw, facts, problemOf, signOut, watch } = Bulwark;

const message = document.getElementById('message');
let drawnActions = '';

function say(text, outcome) {
  message.textContent = text;
  message.dataset.outcome = outcome || '';
}

async function send(path, body) {
  const response = await call('POST', `/console/chaos${path}`, body);
  if (!response.ok) {
    throw new Error(await problemOf(response));
  }
  return response.json();
}

function ago(iso) {
  return iso ? new Date(iso).toLocaleTimeString() : '—';
}

function showLoad(load) {
  const rows = [
    ['Load', load.running ? `running, ${load.ratePerSecond} orders a second asked` : 'stopped'],
    ['Acknowledged', `${load.acknowledged} orders`],
    ['Acknowledged per second', `${load.perSecond.toFixed(1)} (last 5 s)`],
    ['Attempts failed, sent again', `${load.failedAttempts}`],
    ['Longest wait for an acknowledgement', `${load.longestWaitMs} ms`],
  ];
  if (load.startedAt) {
    rows.push(['Started', ago(load.startedAt)]);
  }
  facts(document.getElementById('load-facts'), rows);
  document.getElementById('load-start').disabled = load.running;
  document.getElementById('load-stop').disabled = !load.running;
  const check = document.getElementById('check');
  if (load.check) {
    const c = load.check;
    check.textContent =
      `Checked at ${ago(c.at)}: ${c.acknowledged} acknowledged orders, ${c.lost} acknowledged orders lost` +
      `, ${c.concluded} concluded${c.lost ? `; lost: ${c.lostIds.join(', ')}` : ''}.`;
    check.className = c.lost ? 'failure' : 'success';
    check.dataset.lost = `${c.lost}`;
  } else {
    check.textContent = '';
    delete check.dataset.lost;
  }
}

function showFault(fault) {
  if (!fault) {
    return;
  }
  let outage;
  if (!fault.underLoad) {
    outage = 'no load was running; start one to measure what a fault costs';
  } else if (fault.outageMs === null || fault.outageMs === undefined) {
    outage = 'waiting for the first order sent after it to be acknowledged…';
  } else {
    outage = `${fault.outageMs} ms from the fault to the first acknowledged order sent after it`;
  }
  facts(document.getElementById('fault'), [
    ['Fault', fault.action],
    ['At', ago(fault.at)],
    ['Outage', outage],
  ]);
  document.getElementById('fault').dataset.outage = fault.outageMs ?? '';
}

function actionForm(action) {
  const form = document.createElement('form');
  form.className = 'action';
  form.dataset.action = action.id;
  form.noValidate = true;
  const title = document.createElement('h3');
  title.textContent = action.title;
  const description = document.createElement('p');
  description.className = 'muted';
  description.textContent = action.description;
  form.append(title, description);
  action.params.forEach((param) => {
    const field = document.createElement('div');
    field.className = 'field';
    const id = `${action.id}-${param.name}`;
    const label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = param.label;
    const select = document.createElement('select');
    select.id = id;
    select.name = param.name;
    param.choices.forEach((choice) => {
      const option = document.createElement('option');
      option.textContent = choice;
      option.selected = choice === param.initial;
      select.append(option);
    });
    field.append(label, select);
    form.append(field);
  });
  const button = document.createElement('button');
  button.type = 'submit';
  button.textContent = action.title;
  button.disabled = Boolean(action.unavailable);
  form.append(button);
  if (action.unavailable) {
    const why = document.createElement('p');
    why.className = 'muted';
    why.textContent = `Not here: ${action.unavailable}.`;
    form.append(why);
  }
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const choices = Object.fromEntries(new FormData(form).entries());
    try {
      await send(`/actions/${action.id}`, choices);
      say(`${action.title}: started.`, 'started');
    } catch (e) {
      say(`${action.title}: ${e.message}`, 'refused');
    }
    refresh();
  });
  return form;
}

function showActions(actions, running) {
  const signature = JSON.stringify(actions);
  if (signature !== drawnActions) {
    drawnActions = signature;
    document.getElementById('actions').replaceChildren(...actions.map(actionForm));
  }
  document.querySelectorAll('#actions form').forEach((form) => {
    const action = actions.find((a) => a.id === form.dataset.action);
    form.querySelector('button').disabled = Boolean(action.unavailable) || Boolean(running);
  });
}

function showLog(log) {
  draw(
    document.querySelector('#log tbody'),
    'log',
    log.map((entry) => [cell(ago(entry.at)), cell(entry.action), cell(entry.message)]),
    'Nothing done yet.',
  );
}

async function refresh() {
  const response = await call('GET', '/console/chaos/state');
  const unavailable = document.getElementById('unavailable');
  if (!response.ok) {
    unavailable.hidden = false;
    unavailable.textContent = await problemOf(response);
    return;
  }
  unavailable.hidden = true;
  const state = await response.json();
  showLoad(state.load);
  showFault(state.lastFault);
  showActions(state.actions, state.running);
  showLog(state.log);
  if (state.running) {
    say(`${state.running}: under way…`, 'running');
  }
}

/** The platform as the health stream shows it: each database's primary, breakers, instances. */
function showHealth(sample) {
  const rows = [];
  const services = new Map();
  sample.instances.forEach((instance) => {
    const db = instance.state && instance.state.database && instance.state.database.value;
    if (db && !services.has(instance.service)) {
      services.set(instance.service, db);
    }
  });
  services.forEach((db, service) =>
    rows.push([`${service} database`, `${db.server || 'unknown'} (${db.role}), timeline ${db.timeline ?? '—'}`]),
  );
  rows.push([
    'Breakers',
    sample.gateway.breakers.map((breaker) => `${breaker.name} ${breaker.state}`).join(', '),
  ]);
  const notReady = sample.instances.filter((instance) => instance.status !== 'ready');
  rows.push([
    'Instances',
    `${sample.instances.length - notReady.length} of ${sample.instances.length} ready` +
      (notReady.length ? `; ${notReady.map((i) => `${i.name} ${i.status}`).join(', ')}` : ''),
  ]);
  facts(document.getElementById('now'), rows);
}

document.getElementById('load').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    await send('/load/start', { ratePerSecond: Number(document.getElementById('rate').value) });
    say('Load started.', 'load-started');
  } catch (e) {
    say(`The load did not start: ${e.message}`, 'refused');
  }
  refresh();
});
document.getElementById('load-stop').addEventListener('click', async () => {
  say('Stopping the load and checking every acknowledged order…', 'checking');
  document.getElementById('load-stop').disabled = true;
  try {
    await send('/load/stop');
    say('Load stopped and checked.', 'checked');
  } catch (e) {
    say(`The load did not stop: ${e.message}`, 'refused');
  }
  refresh();
});
document.getElementById('sign-out').addEventListener('click', signOut);

refresh();
setInterval(() => {
  if (document.visibilityState === 'visible') {
    refresh();
  }
}, 1000);
watch('/console/health/stream', 'health', showHealth, document.getElementById('live'));
