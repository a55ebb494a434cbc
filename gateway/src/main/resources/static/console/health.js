'use strict';
// The operator's health page: one stream of samples from the gateway (server-sent events), each
// sample the gateway's breakers and rate limiter and every watched instance's health and state
// (outbox, dead letters, database and standbys, Kafka brokers and consumer lag). The gateway takes
// one sample per interval for all open pages; this page only draws what arrives, and the browser's
// EventSource reconnects by itself when the stream ends or breaks.

const { badge, cell, draw, facts, header, seconds, signOut, watch } = Bulwark;

const live = document.getElementById('live');
const instancesBody = document.querySelector('#instances tbody');
const breakersBody = document.querySelector('#breakers tbody');
const services = document.getElementById('services');

const TONES = { ready: 'confirmed', draining: 'pending', down: 'rejected', unreachable: 'rejected' };
const BREAKER_TONES = { CLOSED: 'confirmed', HALF_OPEN: 'pending', OPEN: 'rejected' };

/** An ISO-8601 duration as Java writes it (PT1S, PT0.5S, PT1M) in words. */
function duration(iso) {
  const total = seconds(iso);
  if (total === null) {
    return iso;
  }
  return total === 1 ? 'second' : `${total} s`;
}

function percent(rate) {
  // Resilience4j reports -1 until it has counted enough calls
  return rate < 0 ? 'not enough calls' : `${rate.toFixed(1)} %`;
}

function showInstances(instances) {
  document.getElementById('no-instances').hidden = instances.length > 0;
  draw(
    instancesBody,
    'instances',
    instances.map((instance) => [
      header(instance.name),
      badge(instance.status, TONES[instance.status] || 'pending'),
      cell(instance.reason || ''),
      cell(`${instance.answeredInMs} ms`),
      cell(
        instance.state && instance.state.failingShards
          ? `${instance.state.failingShards.length}`
          : '—',
      ),
    ]),
  );
}

function showGateway(gateway) {
  draw(
    breakersBody,
    'breakers',
    gateway.breakers.map((breaker) => [
      header(breaker.name),
      badge(breaker.state, BREAKER_TONES[breaker.state] || 'pending'),
      cell(percent(breaker.failureRate)),
      cell(percent(breaker.slowCallRate)),
      cell(`${breaker.bufferedCalls}`),
      cell(`${breaker.notPermittedCalls}`),
    ]),
    'No circuit breakers.',
  );
  const limit = gateway.rateLimit;
  facts(document.getElementById('rate-limit'), [
    ['Limit', `${limit.limitForPeriod} requests per ${duration(limit.period)} per caller`],
    ['Callers counted', `${limit.callers} of at most ${limit.maxCallers}`],
    ['Refused (429) since start', `${limit.refused}`],
  ]);
}

/** A service's card, made once: its database, Kafka, outbox and dead letters. */
function card(service) {
  let section = document.getElementById(`service-${service}`);
  if (section) {
    return section;
  }
  section = document.createElement('section');
  section.id = `service-${service}`;
  section.className = 'card';
  section.dataset.service = service;
  section.setAttribute('aria-labelledby', `${service}-health-heading`);
  section.innerHTML = `
    <h2 id="${service}-health-heading">${service}</h2>
    <h3>Database</h3>
    <dl class="facts database"></dl>
    <div class="scroll">
      <table class="standbys">
        <caption class="visually-hidden">Standbys of ${service}'s database</caption>
        <thead><tr>
          <th scope="col">Standby</th><th scope="col">State</th><th scope="col">Sync</th>
          <th scope="col">Replay lag</th><th scope="col">Behind</th>
        </tr></thead>
        <tbody></tbody>
      </table>
    </div>
    <h3>Kafka</h3>
    <dl class="facts kafka"></dl>
    <div class="scroll">
      <table class="lag">
        <caption class="visually-hidden">Consumer lag of ${service}, per partition</caption>
        <thead><tr>
          <th scope="col">Group</th><th scope="col">Topic</th><th scope="col">Partition</th>
          <th scope="col">Committed</th><th scope="col">End</th><th scope="col">Lag</th>
        </tr></thead>
        <tbody></tbody>
      </table>
    </div>
    <h3>Outbox and dead letters</h3>
    <dl class="facts outbox"></dl>
    <div class="scroll">
      <table class="letters">
        <caption class="visually-hidden">Dead letters of ${service}, per topic</caption>
        <thead><tr>
          <th scope="col">Topic it failed on</th><th scope="col">Open</th>
          <th scope="col">Redriven</th><th scope="col">Discarded</th>
        </tr></thead>
        <tbody></tbody>
      </table>
    </div>`;
  services.append(section);
  return section;
}

function unavailable(part) {
  return part && part.unavailable ? `unavailable: ${part.unavailable}` : null;
}

function showService(service, instances) {
  const section = card(service);
  // the service's shared parts (its database, Kafka, outbox) from the first instance that said
  const answering = instances.find((instance) => instance.state);
  const state = answering ? answering.state : null;
  const database = state ? state.database : null;
  const db = database && database.value;
  facts(
    section.querySelector('.database'),
    db
      ? [
          ['Answering server', `${db.server} (${db.role})`],
          ['Timeline', db.timeline == null ? '—' : `${db.timeline}`],
          ['Standbys', db.standbysUnknown ? `unknown: ${db.standbysUnknown}` : `${db.standbys.length}`],
        ]
      : [['Database', unavailable(database) || 'no instance answered']],
  );
  draw(
    section.querySelector('.standbys tbody'),
    `${service}-standbys`,
    (db ? db.standbys : []).map((standby) => [
      header(standby.name),
      cell(standby.state || '—'),
      cell(standby.syncState || '—'),
      cell(standby.replayLagSeconds == null ? '—' : `${standby.replayLagSeconds.toFixed(3)} s`),
      cell(standby.replayLagBytes == null ? '—' : `${standby.replayLagBytes} bytes`),
    ]),
    'No standby streams from this server.',
  );
  const kafka = state ? state.kafka : null;
  facts(
    section.querySelector('.kafka'),
    kafka && !kafka.unreachable
      ? [
          ['Brokers answering', kafka.brokers.map((b) => `broker ${b.id} at ${b.host}:${b.port}`).join(', ')],
          ['Consumer lag', kafka.lag.length ? `${kafka.totalLag} records` : 'no offsets committed yet'],
        ]
      : [['Brokers', kafka ? `unreachable: ${kafka.unreachable}` : 'no instance answered']],
  );
  draw(
    section.querySelector('.lag tbody'),
    `${service}-lag`,
    (kafka && kafka.lag ? kafka.lag : []).map((p) => [
      header(p.group),
      cell(p.topic),
      cell(`${p.partition}`),
      cell(`${p.committed}`),
      cell(`${p.end}`),
      cell(`${Math.max(0, p.end - p.committed)}`),
    ]),
    'No offsets committed yet.',
  );
  const shards = state && state.outbox.value;
  const backlog = shards ? shards.reduce((sum, shard) => sum + shard.unpublished, 0) : 0;
  const oldest = shards ? Math.max(0, ...shards.map((shard) => shard.oldestAgeSeconds || 0)) : 0;
  const failing = instances.reduce(
    (sum, instance) => sum + (instance.state ? instance.state.failingShards.length : 0),
    0,
  );
  facts(
    section.querySelector('.outbox'),
    shards
      ? [
          ['Outbox backlog', `${backlog} events in ${shards.length} shards`],
          ['Oldest unpublished', backlog === 0 ? 'none' : `${oldest.toFixed(1)} s`],
          ['Relay shards failing', `${failing}`],
        ]
      : [['Outbox', (state && unavailable(state.outbox)) || 'no instance answered']],
  );
  const letters = state && state.deadLetters.value ? state.deadLetters.value : {};
  draw(
    section.querySelector('.letters tbody'),
    `${service}-letters`,
    Object.entries(letters).map(([topic, counts]) => [
      header(topic),
      cell(`${counts.OPEN || 0}`),
      cell(`${counts.REDRIVEN || 0}`),
      cell(`${counts.DISCARDED || 0}`),
    ]),
    'No dead letters.',
  );
}

function show(sample) {
  showInstances(sample.instances);
  showGateway(sample.gateway);
  const byService = new Map();
  sample.instances
    .filter((instance) => instance.service !== 'auth-server')
    .forEach((instance) => {
      byService.set(instance.service, [...(byService.get(instance.service) || []), instance]);
    });
  byService.forEach((instances, service) => showService(service, instances));
}

document.getElementById('sign-out').addEventListener('click', signOut);
watch('/console/health/stream', 'health', show, live);
