/* Warren's console: a single page that talks to the management API with the credentials given at login. */
'use strict';

const state = { auth: sessionStorage.getItem('warren.auth'), user: null, timer: null, charts: null };
const $ = (sel, root = document) => root.querySelector(sel);
const esc = s => String(s ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const enc = encodeURIComponent;
const rate = d => (d && d.rate !== undefined) ? d.rate.toFixed(1) + '/s' : '';

// ---- talking to the API ----

async function api(method, path, body) {
  const headers = { 'Authorization': 'Basic ' + state.auth, 'X-Requested-With': 'XMLHttpRequest' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const r = await fetch('/api' + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  const data = text ? JSON.parse(text) : null;
  // RabbitMQ answers 401 both to bad credentials and to a logged-in user without the tag an endpoint needs
  const lacksTag = data && /^Not \w+ user$/.test(data.reason || '') && data.reason !== 'Not management user';
  if (r.status === 401 && !lacksTag) { logout('Your session is no longer valid: log in again.'); throw new Error('unauthorised'); }
  if (!r.ok) throw new Error((data && data.reason) || r.statusText);
  return data;
}

function flash(message, isError) {
  const f = $('#flash');
  f.textContent = message;
  f.className = isError ? 'error' : '';
  f.hidden = false;
  clearTimeout(flash.t);
  flash.t = setTimeout(() => { f.hidden = true; }, 6000);
}

/** Runs an action and reports its outcome, so that every button tells the operator what happened. */
async function act(fn, success) {
  try {
    const result = await fn();
    if (success) flash(typeof success === 'function' ? success(result) : success);
    route();
    return result;
  } catch (e) {
    if (e.message !== 'unauthorised') flash(e.message, true);
  }
}

// ---- login ----

async function login(user, pass) {
  state.auth = btoa(unescape(encodeURIComponent(user + ':' + pass)));
  try {
    const r = await fetch('/api/whoami', { headers: { 'Authorization': 'Basic ' + state.auth, 'X-Requested-With': 'XMLHttpRequest' } });
    if (!r.ok) {
      const data = await r.json().catch(() => ({}));
      throw new Error(data.reason || 'Login failed');
    }
    state.user = await r.json();
    sessionStorage.setItem('warren.auth', state.auth);
    showApp();
  } catch (e) {
    state.auth = null;
    $('#login-error').textContent = e.message === 'Login failed' ? 'Wrong username or password.' : e.message;
    $('#login-error').hidden = false;
  }
}

function logout(message) {
  state.auth = null; state.user = null;
  sessionStorage.removeItem('warren.auth');
  clearInterval(state.timer);
  $('#app').hidden = true; $('#login').hidden = false;
  $('#login-error').hidden = !message; $('#login-error').textContent = message || '';
}

function showApp() {
  $('#login').hidden = true; $('#app').hidden = false;
  $('#whoami').textContent = state.user.name;
  $('[data-nav="definitions"]').hidden = !state.user.tags.includes('administrator');
  if (!location.hash) location.hash = '#/overview';
  route();
}

// ---- routing ----

const views = {
  overview: viewOverview, connections: viewConnections, channels: viewChannels, exchanges: viewExchanges,
  exchange: viewExchange, queues: viewQueues, queue: viewQueue, admin: viewAdmin, definitions: viewDefinitions,
};

async function route() {
  const parts = location.hash.replace(/^#\//, '').split('/').map(decodeURIComponent);
  const name = parts[0] || 'overview';
  document.querySelectorAll('[data-nav]').forEach(a => a.classList.toggle('active', name.startsWith(a.dataset.nav.replace(/s$/, ''))));
  clearInterval(state.timer);
  const view = views[name] || viewOverview;
  if (route.current !== location.hash) { state.charts = null; route.current = location.hash; }
  try {
    await view(...parts.slice(1));
  } catch (e) {
    if (e.message !== 'unauthorised') $('#view').innerHTML = `<p class="error">${esc(e.message)}</p>`;
  }
}

/** Re-renders the view every few seconds while it is shown (lists and charts stay live). */
function refreshEvery(ms, fn) {
  clearInterval(state.timer);
  state.timer = setInterval(() => fn().catch(() => {}), ms);
}

function table(id, columns, rows, empty) {
  if (!rows.length) return `<p class="muted" id="${id}-empty">${empty || 'Nothing here yet.'}</p><table id="${id}" hidden></table>`;
  const head = columns.map(c => `<th class="${c.num ? 'num' : ''}">${esc(c.title)}</th>`).join('');
  const body = rows.map(r => `<tr data-name="${esc(r.name ?? '')}">${columns.map(c =>
    `<td class="${c.num ? 'num' : ''}">${c.html ? c.html(r) : esc(c.value(r))}</td>`).join('')}</tr>`).join('');
  return `<table id="${id}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function vhostOptions(vhosts, selected) {
  return vhosts.map(v => `<option ${v.name === selected ? 'selected' : ''}>${esc(v.name)}</option>`).join('');
}

// ---- overview ----

async function viewOverview() {
  const view = $('#view');
  view.innerHTML = `<h1>Overview</h1>
    <div class="tiles" id="tiles"></div>
    <div class="grid">
      <div class="card"><h2>Message rates</h2><canvas id="chart-rates"></canvas>
        <div class="legend"><span><i style="background:#2d6cdf"></i>publish</span><span><i style="background:#1e9e6a"></i>deliver / get</span><span><i style="background:#d08a1f"></i>ack</span></div></div>
      <div class="card"><h2>Queued messages</h2><canvas id="chart-queued"></canvas>
        <div class="legend"><span><i style="background:#b5462b"></i>ready</span><span><i style="background:#7a5cc2"></i>unacknowledged</span><span><i style="background:#1d2733"></i>total</span></div></div>
    </div>`;
  const charts = state.charts || {
    rates: new LineChart(null, [{ key: 'publish', color: '#2d6cdf' }, { key: 'deliver', color: '#1e9e6a' }, { key: 'ack', color: '#d08a1f' }]),
    queued: new LineChart(null, [{ key: 'ready', color: '#b5462b' }, { key: 'unacked', color: '#7a5cc2' }, { key: 'total', color: '#1d2733' }]),
  };
  state.charts = charts;
  charts.rates.canvas = $('#chart-rates');
  charts.queued.canvas = $('#chart-queued');
  const tick = async () => {
    const o = await api('GET', '/overview');
    const s = o.message_stats || {}, q = o.queue_totals || {}, t = o.object_totals || {};
    charts.rates.push({ publish: s.publish_details?.rate || 0, deliver: s.deliver_get_details?.rate || 0, ack: s.ack_details?.rate || 0 });
    charts.queued.push({ ready: q.messages_ready || 0, unacked: q.messages_unacknowledged || 0, total: q.messages || 0 });
    const tile = (id, v, label) => `<div class="tile" id="${id}"><b>${esc(v)}</b><span>${esc(label)}</span></div>`;
    $('#tiles').innerHTML = tile('tile-publish', rate(s.publish_details), 'published') +
      tile('tile-deliver', rate(s.deliver_get_details), 'delivered / got') + tile('tile-ack', rate(s.ack_details), 'acknowledged') +
      tile('tile-messages', q.messages ?? 0, 'messages queued') + tile('tile-connections', t.connections ?? 0, 'connections') +
      tile('tile-channels', t.channels ?? 0, 'channels') + tile('tile-queues', t.queues ?? 0, 'queues') +
      tile('tile-consumers', t.consumers ?? 0, 'consumers') +
      tile('tile-alarms', (o.alarms || []).length ? o.alarms.map(a => a.resource).join(', ') : 'none', 'alarms');
  };
  await tick();
  refreshEvery(2000, tick);
}

// ---- connections and channels ----

async function viewConnections() {
  const render = async () => {
    const conns = await api('GET', '/connections');
    $('#view').innerHTML = `<h1>Connections</h1>` + table('connections-table', [
      { title: 'Name', value: c => c.name }, { title: 'Client', value: c => c.client_properties?.connection_name || c.client_properties?.product || '' },
      { title: 'User', value: c => c.user }, { title: 'Vhost', value: c => c.vhost }, { title: 'State', value: c => c.state },
      { title: 'Channels', num: true, value: c => c.channels },
      { title: '', html: c => `<button class="danger" data-close="${esc(c.name)}">Close</button>` },
    ], conns, 'No connections.');
    document.querySelectorAll('[data-close]').forEach(b => b.onclick = () => {
      if (confirm(`Close connection ${b.dataset.close}?`)) {
        act(() => api('DELETE', '/connections/' + enc(b.dataset.close)), 'Connection closed.');
      }
    });
  };
  await render();
  refreshEvery(5000, render);
}

async function viewChannels() {
  const render = async () => {
    const chans = await api('GET', '/channels');
    $('#view').innerHTML = `<h1>Channels</h1>` + table('channels-table', [
      { title: 'Channel', value: c => c.name }, { title: 'User', value: c => c.user }, { title: 'Vhost', value: c => c.vhost },
      { title: 'Mode', value: c => (c.confirm ? 'confirm ' : '') + (c.transactional ? 'tx' : '') },
      { title: 'Prefetch', num: true, value: c => c.prefetch_count }, { title: 'Consumers', num: true, value: c => c.consumer_count },
      { title: 'Unacked', num: true, value: c => c.messages_unacknowledged },
      { title: 'Publish', num: true, value: c => rate(c.message_stats?.publish_details) },
      { title: 'Deliver', num: true, value: c => rate(c.message_stats?.deliver_get_details) },
      { title: 'Ack', num: true, value: c => rate(c.message_stats?.ack_details) },
    ], chans, 'No channels.');
  };
  await render();
  refreshEvery(5000, render);
}

// ---- exchanges ----

async function viewExchanges() {
  const [xs, vhosts] = await Promise.all([api('GET', '/exchanges'), api('GET', '/vhosts')]);
  $('#view').innerHTML = `<h1>Exchanges</h1>` + table('exchanges-table', [
    { title: 'Vhost', value: x => x.vhost },
    { title: 'Name', html: x => `<a href="#/exchange/${enc(x.vhost)}/${enc(x.name || 'amq.default')}">${esc(x.name || '(AMQP default)')}</a>` },
    { title: 'Type', value: x => x.type }, { title: 'Features', value: x => [x.durable && 'durable', x.auto_delete && 'auto-delete', x.internal && 'internal'].filter(Boolean).join(' ') },
  ], xs) + `<div class="card"><h2>Add an exchange</h2><form id="add-exchange" class="row">
      <label>Vhost <select name="vhost">${vhostOptions(vhosts)}</select></label>
      <label>Name <input name="name" required></label>
      <label>Type <select name="type"><option>direct</option><option>fanout</option><option>topic</option><option>headers</option></select></label>
      <label>Durable <select name="durable"><option value="true">yes</option><option value="false">no</option></select></label>
      <button type="submit">Add exchange</button></form></div>`;
  $('#add-exchange').onsubmit = e => {
    e.preventDefault();
    const f = new FormData(e.target);
    act(() => api('PUT', `/exchanges/${enc(f.get('vhost'))}/${enc(f.get('name'))}`, { type: f.get('type'), durable: f.get('durable') === 'true' }), 'Exchange added.');
  };
}

async function viewExchange(vhost, name) {
  const [x, bindings] = await Promise.all([api('GET', `/exchanges/${enc(vhost)}/${enc(name)}`),
    api('GET', `/exchanges/${enc(vhost)}/${enc(name)}/bindings/source`)]);
  const builtIn = !x.name || x.name.startsWith('amq.');
  $('#view').innerHTML = `<h1>Exchange ${esc(x.name || '(AMQP default)')} <span class="muted">in ${esc(vhost)}</span></h1>
    <div class="card">Type <b>${esc(x.type)}</b>, ${x.durable ? 'durable' : 'transient'}${x.internal ? ', internal' : ''}
      <pre>${esc(JSON.stringify(x.arguments))}</pre></div>` + (await delayedCard(vhost, name, x)) + `
    <h2>Bindings from this exchange</h2>` + table('exchange-bindings', [
      { title: 'To', value: b => b.destination }, { title: 'Type', value: b => b.destination_type },
      { title: 'Routing key', value: b => b.routing_key }, { title: 'Arguments', value: b => JSON.stringify(b.arguments) },
    ], bindings, 'No bindings.') + publishForm() + (builtIn ? '' : `<p><button class="danger" id="delete-exchange">Delete this exchange</button></p>`);
  bindPublish(vhost, name);
  if (!builtIn) $('#delete-exchange').onclick = () => {
    if (confirm(`Delete exchange ${x.name}?`)) act(() => api('DELETE', `/exchanges/${enc(vhost)}/${enc(name)}`), 'Exchange deleted.').then(() => { location.hash = '#/exchanges'; });
  };
}

// an x-delayed-message exchange: how many messages wait, and the soonest of them
async function delayedCard(vhost, name, x) {
  if (x.messages_delayed === undefined) return '';
  const soonest = await api('GET', `/exchanges/${enc(vhost)}/${enc(name)}/delayed?limit=10`);
  return `<div class="card"><h2>Delayed messages: ${x.messages_delayed.toLocaleString()}</h2>` + table('delayed-messages', [
    { title: 'Due', value: m => new Date(m.due_at).toLocaleString() }, { title: 'Routing key', value: m => m.routing_key },
    { title: 'Bytes', value: m => m.payload_bytes }, { title: 'Headers', value: m => JSON.stringify(m.properties.headers || {}) },
  ], soonest, 'None waiting.') + `</div>`;
}

function publishForm(routingKey) {
  return `<div class="card"><h2>Publish a message</h2><form id="publish-form">
    <div class="row"><label>Routing key <input id="publish-routing-key" name="routing_key" value="${esc(routingKey || '')}"></label>
    <label>Delivery mode <select name="delivery_mode"><option value="1">1 - non-persistent</option><option value="2">2 - persistent</option></select></label>
    <label>Headers (JSON) <input name="headers" placeholder='{"key": "value"}'></label></div>
    <label style="display:flex">Payload <textarea id="publish-payload" name="payload"></textarea></label>
    <button id="publish-submit" type="submit">Publish message</button></form></div>`;
}

function bindPublish(vhost, exchange, routeTo) {
  $('#publish-form').onsubmit = e => {
    e.preventDefault();
    const f = new FormData(e.target);
    let headers;
    try { headers = f.get('headers') ? JSON.parse(f.get('headers')) : undefined; } catch (err) { flash('Headers are not valid JSON: ' + err.message, true); return; }
    const properties = { delivery_mode: Number(f.get('delivery_mode')) };
    if (headers) properties.headers = headers;
    act(() => api('POST', `/exchanges/${enc(vhost)}/${enc(exchange)}/publish`,
      { routing_key: f.get('routing_key'), payload: f.get('payload'), payload_encoding: 'string', properties }),
      r => r.routed ? 'Message published.' : 'Message published, but not routed to any queue.');
  };
}

// ---- queues ----

async function viewQueues() {
  const render = async () => {
    // one page: a broker with 100,000 queues must not send them all to the browser every 3 s
    const [page, vhosts] = await Promise.all([api('GET', '/queues?page=1&page_size=500'), api('GET', '/vhosts')]);
    const qs = page.items;
    const formState = $('#add-queue') ? new FormData($('#add-queue')) : null;
    if (formState && document.activeElement && document.activeElement.closest('#add-queue')) return; // typing: keep the form
    $('#view').innerHTML = `<h1>Queues</h1>` + table('queues-table', [
      { title: 'Vhost', value: q => q.vhost },
      { title: 'Name', html: q => `<a href="#/queue/${enc(q.vhost)}/${enc(q.name)}">${esc(q.name)}</a>` },
      { title: 'Features', value: q => [q.durable && 'durable', q.auto_delete && 'auto-delete', q.exclusive && 'exclusive'].filter(Boolean).join(' ') },
      { title: 'Ready', num: true, value: q => q.messages_ready }, { title: 'Unacked', num: true, value: q => q.messages_unacknowledged },
      { title: 'Total', num: true, value: q => q.messages }, { title: 'Consumers', num: true, value: q => q.consumers },
      { title: 'Incoming', num: true, value: q => rate(q.message_stats?.publish_details) },
      { title: 'Deliver / get', num: true, value: q => rate(q.message_stats?.deliver_get_details) },
      { title: 'Ack', num: true, value: q => rate(q.message_stats?.ack_details) },
    ], qs, 'No queues yet.') + (page.total_count > qs.length
      ? `<p class="muted" id="queues-shown">The first ${qs.length} of ${page.total_count} queues, by name.</p>` : '')
      + `<div class="card"><h2>Add a queue</h2><form id="add-queue" class="row">
        <label>Vhost <select name="vhost">${vhostOptions(vhosts, formState?.get('vhost'))}</select></label>
        <label>Name <input id="add-queue-name" name="name" required></label>
        <label>Durable <select name="durable"><option value="true">yes</option><option value="false">no</option></select></label>
        <label>Arguments (JSON) <input name="arguments" placeholder='{"x-message-ttl": 60000}'></label>
        <button id="add-queue-submit" type="submit">Add queue</button></form></div>`;
    $('#add-queue').onsubmit = e => {
      e.preventDefault();
      const f = new FormData(e.target);
      let args;
      try { args = f.get('arguments') ? JSON.parse(f.get('arguments')) : {}; } catch (err) { flash('Arguments are not valid JSON: ' + err.message, true); return; }
      act(() => api('PUT', `/queues/${enc(f.get('vhost'))}/${enc(f.get('name'))}`, { durable: f.get('durable') === 'true', arguments: args }), 'Queue added.');
    };
  };
  await render();
  refreshEvery(3000, render);
}

async function viewQueue(vhost, name) {
  const base = `/queues/${enc(vhost)}/${enc(name)}`;
  const [q, bindings, queues] = await Promise.all([api('GET', base), api('GET', base + '/bindings'), api('GET', '/queues/' + enc(vhost) + '?columns=name')]);
  const stat = (label, v, id) => `<div class="tile"><b id="${id}">${esc(v)}</b><span>${esc(label)}</span></div>`;
  $('#view').innerHTML = `<h1>Queue ${esc(q.name)} <span class="muted">in ${esc(vhost)}</span></h1>
    <div class="tiles">${stat('ready', q.messages_ready, 'queue-ready')}${stat('unacknowledged', q.messages_unacknowledged, 'queue-unacked')}
      ${stat('total', q.messages, 'queue-total')}${stat('consumers', q.consumers, 'queue-consumers')}
      ${stat('incoming', rate(q.message_stats?.publish_details), 'queue-in')}${stat('deliver / get', rate(q.message_stats?.deliver_get_details), 'queue-out')}</div>
    <div class="card muted">${q.durable ? 'durable' : 'transient'}${q.auto_delete ? ', auto-delete' : ''}${q.exclusive ? ', exclusive' : ''};
      arguments <code>${esc(JSON.stringify(q.arguments))}</code></div>
    <h2>Consumers</h2>` + table('queue-consumers-table', [
      { title: 'Tag', value: c => c.consumer_tag }, { title: 'Channel', value: c => c.channel_details?.name },
      { title: 'Ack required', value: c => c.ack_required }, { title: 'Exclusive', value: c => c.exclusive },
      { title: 'Prefetch', num: true, value: c => c.prefetch_count },
    ], q.consumer_details || [], 'No consumers.') +
    `<h2>Bindings</h2>` + table('queue-bindings-table', [
      { title: 'From', value: b => b.source || '(AMQP default)' }, { title: 'Routing key', value: b => b.routing_key },
      { title: 'Arguments', value: b => JSON.stringify(b.arguments) },
      { title: '', html: b => b.source ? `<button class="plain" data-unbind="${esc(b.source)}" data-props="${esc(b.properties_key)}">Unbind</button>` : '' },
    ], bindings) +
    `<form id="bind-form" class="row"><label>From exchange <input name="source" required></label>
      <label>Routing key <input name="routing_key"></label><button type="submit">Bind</button></form>` +
    publishForm(name) +
    `<div class="card"><h2>Get messages</h2><form id="get-form" class="row">
      <label>Ack mode <select id="get-ackmode" name="ackmode"><option value="ack_requeue_true">Nack message requeue true</option>
        <option value="ack_requeue_false">Ack message requeue false</option><option value="reject_requeue_true">Reject requeue true</option></select></label>
      <label>Messages <input id="get-count" name="count" type="number" value="1" min="1" style="width:80px"></label>
      <button id="get-submit" type="submit">Get messages</button></form><div id="get-results"></div></div>
    <div class="card"><h2>Move messages</h2><form id="move-form" class="row">
      <label>To queue <select id="move-destination" name="destination">${queues.filter(o => o.name !== name).map(o => `<option>${esc(o.name)}</option>`).join('')}</select></label>
      <label>How many (empty: all) <input name="count" type="number" min="1" style="width:100px"></label>
      <button id="move-submit" type="submit">Move messages</button></form></div>
    <div class="card"><h2>Dead letters</h2><p class="muted">Sends every message that carries an x-death header back to the queue it died in.</p>
      <button id="redrive" type="button">Re-drive to original queues</button></div>
    <p><button class="danger" id="purge" type="button">Purge messages</button> <button class="danger" id="delete-queue" type="button">Delete queue</button></p>`;
  bindPublish(vhost, 'amq.default');
  $('#bind-form').onsubmit = e => {
    e.preventDefault();
    const f = new FormData(e.target);
    act(() => api('POST', `/bindings/${enc(vhost)}/e/${enc(f.get('source'))}/q/${enc(name)}`, { routing_key: f.get('routing_key'), arguments: {} }), 'Bound.');
  };
  document.querySelectorAll('[data-unbind]').forEach(b => b.onclick = () =>
    act(() => api('DELETE', `/bindings/${enc(vhost)}/e/${enc(b.dataset.unbind)}/q/${enc(name)}/${enc(b.dataset.props)}`), 'Unbound.'));
  $('#get-form').onsubmit = async e => {
    e.preventDefault();
    const f = new FormData(e.target);
    try {
      const msgs = await api('POST', base + '/get', { count: Number(f.get('count')), ackmode: f.get('ackmode'), encoding: 'auto', truncate: 50000 });
      $('#get-results').innerHTML = msgs.length ? msgs.map((m, i) => `<div class="card get-message"><b>Message ${i + 1}</b>
        <span class="muted">exchange ${esc(m.exchange || '(AMQP default)')}, routing key ${esc(m.routing_key)}, redelivered ${m.redelivered}, ${m.message_count} left</span>
        <pre class="muted">${esc(JSON.stringify(m.properties))}</pre><pre class="payload">${esc(m.payload)}</pre></div>`).join('')
        : '<p class="muted" id="get-empty">Queue is empty.</p>';
    } catch (err) { flash(err.message, true); }
  };
  $('#move-form').onsubmit = e => {
    e.preventDefault();
    const f = new FormData(e.target);
    const body = { destination: f.get('destination') };
    if (f.get('count')) body.count = Number(f.get('count'));
    act(() => api('POST', base + '/move', body), r => `Moved ${r.moved} messages to ${r.destination}.`);
  };
  $('#redrive').onclick = () => act(() => api('POST', base + '/redrive', {}), r =>
    `Re-drove ${r.moved} messages (${Object.entries(r.moved_to).map(([k, v]) => `${v} to ${k}`).join(', ') || 'none'}); ${r.left} left here.`);
  $('#purge').onclick = () => { if (confirm(`Purge all ready messages of ${name}?`)) act(() => api('DELETE', base + '/contents'), 'Queue purged.'); };
  $('#delete-queue').onclick = () => {
    if (confirm(`Delete queue ${name}?`)) act(() => api('DELETE', base), 'Queue deleted.').then(() => { location.hash = '#/queues'; });
  };
  refreshEvery(3000, async () => {
    const now = await api('GET', base);
    $('#queue-ready').textContent = now.messages_ready; $('#queue-unacked').textContent = now.messages_unacknowledged;
    $('#queue-total').textContent = now.messages; $('#queue-consumers').textContent = now.consumers;
    $('#queue-in').textContent = rate(now.message_stats?.publish_details); $('#queue-out').textContent = rate(now.message_stats?.deliver_get_details);
  });
}

// ---- admin: users, vhosts, permissions, policies ----

async function viewAdmin() {
  const isAdmin = state.user.tags.includes('administrator');
  const [vhosts, policies] = await Promise.all([api('GET', '/vhosts'), api('GET', '/policies')]);
  const users = isAdmin ? await api('GET', '/users') : [];
  const perms = isAdmin ? await api('GET', '/permissions') : [];
  $('#view').innerHTML = `<h1>Admin</h1>` +
    (isAdmin ? `<h2>Users</h2>` + table('users-table', [
      { title: 'Name', value: u => u.name }, { title: 'Tags', value: u => u.tags.join(', ') },
      { title: '', html: u => `<button class="plain" data-del-user="${esc(u.name)}">Delete</button>` }], users) +
      `<form id="add-user" class="row"><label>Name <input name="name" required></label><label>Password <input name="password" type="password" required></label>
        <label>Tags <input name="tags" placeholder="administrator, monitoring, management"></label><button type="submit">Add user</button></form>` : '') +
    `<h2>Virtual hosts</h2>` + table('vhosts-table', [
      { title: 'Name', value: v => v.name }, { title: 'Messages', num: true, value: v => v.messages },
      { title: '', html: v => isAdmin && v.name !== '/' ? `<button class="plain" data-del-vhost="${esc(v.name)}">Delete</button>` : '' }], vhosts) +
    (isAdmin ? `<form id="add-vhost" class="row"><label>Name <input name="name" required></label><button type="submit">Add vhost</button></form>
      <h2>Permissions</h2>` + table('permissions-table', [
      { title: 'User', value: p => p.user }, { title: 'Vhost', value: p => p.vhost }, { title: 'Configure', value: p => p.configure },
      { title: 'Write', value: p => p.write }, { title: 'Read', value: p => p.read },
      { title: '', html: p => `<button class="plain" data-del-perm="${esc(p.vhost)}" data-user="${esc(p.user)}">Clear</button>` }], perms) +
      `<form id="set-permission" class="row"><label>User <select name="user">${users.map(u => `<option>${esc(u.name)}</option>`).join('')}</select></label>
        <label>Vhost <select name="vhost">${vhostOptions(vhosts)}</select></label><label>Configure <input name="configure" value=".*"></label>
        <label>Write <input name="write" value=".*"></label><label>Read <input name="read" value=".*"></label><button type="submit">Set permission</button></form>` : '') +
    `<h2>Policies</h2><p class="muted">Stored and exported with definitions; Warren does not apply them to queues yet.</p>` + table('policies-table', [
      { title: 'Vhost', value: p => p.vhost }, { title: 'Name', value: p => p.name }, { title: 'Pattern', value: p => p.pattern },
      { title: 'Apply to', value: p => p['apply-to'] }, { title: 'Definition', value: p => JSON.stringify(p.definition) },
      { title: 'Priority', num: true, value: p => p.priority },
      { title: '', html: p => `<button class="plain" data-del-policy="${esc(p.vhost)}" data-policy="${esc(p.name)}">Delete</button>` }], policies) +
    `<form id="add-policy" class="row"><label>Vhost <select name="vhost">${vhostOptions(vhosts)}</select></label><label>Name <input name="name" required></label>
      <label>Pattern <input name="pattern" required></label><label>Apply to <select name="apply-to"><option>all</option><option>queues</option><option>exchanges</option></select></label>
      <label>Definition (JSON) <input name="definition" value='{"message-ttl": 60000}'></label><label>Priority <input name="priority" type="number" value="0" style="width:70px"></label>
      <button type="submit">Add policy</button></form>`;
  const form = (id, fn, msg) => { const f = $(id); if (f) f.onsubmit = e => { e.preventDefault(); act(() => fn(new FormData(e.target)), msg); }; };
  form('#add-user', f => api('PUT', '/users/' + enc(f.get('name')), { password: f.get('password'), tags: f.get('tags') || '' }), 'User added.');
  form('#add-vhost', f => api('PUT', '/vhosts/' + enc(f.get('name')), {}), 'Vhost added.');
  form('#set-permission', f => api('PUT', `/permissions/${enc(f.get('vhost'))}/${enc(f.get('user'))}`,
    { configure: f.get('configure'), write: f.get('write'), read: f.get('read') }), 'Permission set.');
  form('#add-policy', f => {
    let definition;
    try { definition = JSON.parse(f.get('definition')); } catch (err) { return Promise.reject(new Error('Definition is not valid JSON: ' + err.message)); }
    return api('PUT', `/policies/${enc(f.get('vhost'))}/${enc(f.get('name'))}`, { pattern: f.get('pattern'), 'apply-to': f.get('apply-to'), definition, priority: Number(f.get('priority')) });
  }, 'Policy added.');
  document.querySelectorAll('[data-del-user]').forEach(b => b.onclick = () => confirm(`Delete user ${b.dataset.delUser}?`) && act(() => api('DELETE', '/users/' + enc(b.dataset.delUser)), 'User deleted.'));
  document.querySelectorAll('[data-del-vhost]').forEach(b => b.onclick = () => confirm(`Delete vhost ${b.dataset.delVhost} and everything in it?`) && act(() => api('DELETE', '/vhosts/' + enc(b.dataset.delVhost)), 'Vhost deleted.'));
  document.querySelectorAll('[data-del-perm]').forEach(b => b.onclick = () => act(() => api('DELETE', `/permissions/${enc(b.dataset.delPerm)}/${enc(b.dataset.user)}`), 'Permission cleared.'));
  document.querySelectorAll('[data-del-policy]').forEach(b => b.onclick = () => act(() => api('DELETE', `/policies/${enc(b.dataset.delPolicy)}/${enc(b.dataset.policy)}`), 'Policy deleted.'));
}

// ---- definitions ----

async function viewDefinitions() {
  if (!state.user.tags.includes('administrator')) {
    $('#view').innerHTML = `<h1>Definitions</h1><p class="muted">Exporting and importing definitions is for administrators.</p>`;
    return;
  }
  $('#view').innerHTML = `<h1>Definitions</h1>
    <div class="card"><h2>Export</h2><p class="muted">Vhosts, users, permissions, exchanges, queues, bindings and policies, in RabbitMQ's format.</p>
      <button id="definitions-export" type="button">Download broker definitions</button></div>
    <div class="card"><h2>Import</h2><p class="muted">Paste a definitions file (Warren's or RabbitMQ's export), or choose one.</p>
      <input id="definitions-file" type="file" accept=".json,application/json">
      <textarea id="definitions-import-text" placeholder='{"queues": [...]}'></textarea>
      <button id="definitions-import-submit" type="button">Upload definitions</button></div>`;
  $('#definitions-export').onclick = async () => {
    try {
      const defs = await api('GET', '/definitions');
      const a = document.createElement('a');
      a.href = URL.createObjectURL(new Blob([JSON.stringify(defs, null, 2)], { type: 'application/json' }));
      a.download = 'warren-definitions.json';
      a.click();
    } catch (e) { flash(e.message, true); }
  };
  $('#definitions-file').onchange = async e => { const file = e.target.files[0]; if (file) $('#definitions-import-text').value = await file.text(); };
  $('#definitions-import-submit').onclick = () => {
    let defs;
    try { defs = JSON.parse($('#definitions-import-text').value); } catch (err) { flash('Not valid JSON: ' + err.message, true); return; }
    act(() => api('POST', '/definitions', defs), 'Definitions imported.');
  };
}

// ---- start ----

$('#login-form').onsubmit = e => { e.preventDefault(); login($('#login-user').value, $('#login-pass').value); };
$('#logout').onclick = () => logout();
window.addEventListener('hashchange', () => state.user && route());

(async () => {
  if (state.auth) {
    try {
      const r = await fetch('/api/whoami', { headers: { 'Authorization': 'Basic ' + state.auth, 'X-Requested-With': 'XMLHttpRequest' } });
      if (r.ok) { state.user = await r.json(); showApp(); return; }
    } catch (e) { /* fall through to the login form */ }
  }
  logout();
})();
