/* Queues: the list, the form to add one, a queue's page. */
'use strict';

async function viewQueues() {
  const vhosts = await api('GET', '/vhosts');
  // the form is drawn once and only the list refreshes, so that arguments being entered are never lost
  $('#view').innerHTML = `<h1>Queues</h1><div id="queues-list"></div>
    <div class="card"><h2>Add a queue</h2><form id="add-queue">
      <div class="row"><label>Vhost <select name="vhost">${vhostOptions(vhosts)}</select></label>
      <label>Name <input id="add-queue-name" name="name" required></label>
      <label>Durable <select name="durable"><option value="true">yes</option><option value="false">no</option></select></label>
      <label>Auto delete <select name="auto_delete"><option value="false">no</option><option value="true">yes</option></select></label></div>
      ${argumentsEditorHtml('queue-args')}
      <button id="add-queue-submit" type="submit">Add queue</button></form></div>`;
  bindArgumentsEditor('queue-args');
  setArgumentShortcuts('queue-args', QUEUE_ARGUMENTS);
  $('#add-queue').onsubmit = e => {
    e.preventDefault();
    const f = new FormData(e.target);
    let args;
    try { args = readArguments('queue-args'); } catch (err) { flash(err.message, true); return; }
    act(() => api('PUT', `/queues/${enc(f.get('vhost'))}/${enc(f.get('name'))}`,
      { durable: f.get('durable') === 'true', auto_delete: f.get('auto_delete') === 'true', arguments: args }), 'Queue added.');
  };
  const render = async () => {
    // one page: a broker with 100,000 queues must not send them all to the browser every 3 s
    const page = await api('GET', '/queues?page=1&page_size=500');
    const qs = page.items;
    $('#queues-list').innerHTML = table('queues-table', [
      { title: 'Vhost', value: q => q.vhost },
      { title: 'Name', html: q => `<a href="#/queue/${enc(q.vhost)}/${enc(q.name)}">${esc(q.name)}</a>` },
      { title: 'Type', value: q => q.type },
      // a quorum queue's node is its leader; the figure after it counts the other members, as RabbitMQ's list does
      { title: 'Node', html: q => esc(q.node) + (q.type === 'quorum' && q.members
        ? ` <span class="muted quorum-members">leader +${Math.max(0, q.members.length - 1)}</span>` : '') },
      { title: 'Features', value: q => [q.durable && 'durable', q.auto_delete && 'auto-delete', q.exclusive && 'exclusive',
        ...Object.keys(q.arguments || {})].filter(Boolean).join(' ') },
      { title: 'Ready', num: true, value: q => q.messages_ready }, { title: 'Unacked', num: true, value: q => q.messages_unacknowledged },
      { title: 'Total', num: true, value: q => q.messages }, { title: 'Consumers', num: true, value: q => q.consumers },
      { title: 'Incoming', num: true, value: q => rate(q.message_stats?.publish_details) },
      { title: 'Deliver / get', num: true, value: q => rate(q.message_stats?.deliver_get_details) },
      { title: 'Ack', num: true, value: q => rate(q.message_stats?.ack_details) },
    ], qs, 'No queues yet.') + (page.total_count > qs.length
      ? `<p class="muted" id="queues-shown">The first ${qs.length} of ${page.total_count} queues, by name.</p>` : '');
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
      arguments <code id="queue-arguments">${esc(JSON.stringify(q.arguments))}</code>${q.policy ? `; policy <b>${esc(q.policy)}</b>,
      in effect <code>${esc(JSON.stringify(q.effective_policy_definition))}</code>` : ''}</div>
    ${rateChartsHtml('queue-chart', ['Message rates of this queue', 'Messages in this queue'])}
    ${streamTilesHtml(q)}
    <div id="quorum-replicas">${quorumHtml(q)}</div>
    <h2>Consumers</h2><div id="queue-consumers-list">${queueConsumersHtml(q)}</div>` +
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
  // the server keeps no history per queue: the charts are the samples this page takes, every 2 s
  const charts = rateCharts('queue-chart');
  charts.push(q.message_stats, q);
  refreshEvery(2000, async () => {
    const now = await api('GET', base);
    charts.push(now.message_stats, now);
    $('#queue-ready').textContent = now.messages_ready; $('#queue-unacked').textContent = now.messages_unacknowledged;
    $('#queue-total').textContent = now.messages; $('#queue-consumers').textContent = now.consumers;
    $('#queue-in').textContent = rate(now.message_stats?.publish_details); $('#queue-out').textContent = rate(now.message_stats?.deliver_get_details);
    if (now.type === 'stream') {
      $('#stream-segments').textContent = now.segments; $('#stream-first-offset').textContent = offsetText(now.first_offset);
      $('#stream-last-offset').textContent = offsetText(now.last_offset);
    }
    $('#queue-consumers-list').innerHTML = queueConsumersHtml(now);
    $('#quorum-replicas').innerHTML = quorumHtml(now);
  });
}

/**
 * A quorum queue's members (leader, online or offline, and on the leader each follower's match index and lag) and
 * its shard's Raft figures as this node's replica has them; nothing for other queues.
 */
function quorumHtml(q) {
  if (q.type !== 'quorum' || !q.members) return '';
  const raft = q.raft || {};
  const followers = Object.fromEntries((raft.followers || []).map(f => [f.node, f]));
  const rows = q.members.map(m => ({ name: m, online: (q.online || []).includes(m), follower: followers[m] }));
  const members = table('quorum-members-table', [
    { title: 'Member', value: r => r.name },
    { title: 'Role', value: r => r.name === q.leader ? 'leader' : 'follower' },
    // lagging: behind the leader's log when the leader last heard from it (known on the leader only)
    { title: 'State', html: r => !r.online ? '<b class="error">offline</b>'
      : r.follower && r.follower.lag > 0 ? 'online, <b class="error">lagging</b>' : 'online' },
    { title: 'Match index', num: true, value: r => r.follower ? r.follower.match_index : '' },
    { title: 'Lag (entries)', num: true, value: r => r.follower ? r.follower.lag : '' },
    { title: 'Last contact', num: true, value: r => r.follower ? r.follower.last_contact_ms + ' ms' : '' },
  ], rows);
  const stat = (label, v, id) => `<div class="tile"><b id="${id}">${esc(v)}</b><span>${esc(label)}</span></div>`;
  const figures = raft.local_replica
    ? `<div class="tiles" id="raft-tiles">${stat('shard', raft.shard, 'raft-shard')}${stat('role here', raft.role, 'raft-role')}
        ${stat('term', raft.term, 'raft-term')}${stat('commit index', raft.commit_index, 'raft-commit')}
        ${stat('last applied', raft.last_applied, 'raft-applied')}${stat('last log index', raft.last_log_index, 'raft-last')}
        ${stat('snapshot index', raft.snapshot_index, 'raft-snapshot')}</div>`
      + (raft.role === 'leader' ? '' : '<p class="muted">Match indexes and lag are known on the leader only.</p>')
    : `<p class="muted" id="raft-absent">This node replicates none of shard ${esc(raft.shard)}: its Raft figures are on its members.</p>`;
  return `<h2>Replicas</h2><p class="muted">Shard ${esc(raft.shard)}, leader <b id="quorum-leader">${esc(q.leader)}</b>,
    ${(q.online || []).length} of ${q.members.length} members online.</p>${members}${figures}`;
}

function offsetText(o) {
  return o === null || o === undefined ? '-' : String(o);
}

/** A stream's segments and first and last offsets; nothing for other queues. */
function streamTilesHtml(q) {
  if (q.type !== 'stream') return '';
  const stat = (label, v, id) => `<div class="tile"><b id="${id}">${esc(v)}</b><span>${esc(label)}</span></div>`;
  return `<div class="tiles" id="stream-tiles">${stat('segments', q.segments, 'stream-segments')}
    ${stat('first offset', offsetText(q.first_offset), 'stream-first-offset')}${stat('last offset', offsetText(q.last_offset), 'stream-last-offset')}</div>`;
}

/** The queue's consumers; a stream's with each one's offset, lag, stored offset and group. */
function queueConsumersHtml(q) {
  const columns = [
    { title: 'Tag', value: c => c.consumer_tag }, { title: 'Channel', value: c => c.channel_details?.name },
    { title: 'Ack required', value: c => c.ack_required }, { title: 'Exclusive', value: c => c.exclusive },
    { title: 'Prefetch', num: true, value: c => c.prefetch_count },
  ];
  if (q.type === 'stream') {
    columns.push({ title: 'Offset', num: true, value: c => offsetText(c.offset) },
      { title: 'Lag', num: true, value: c => offsetText(c.offset_lag) },
      { title: 'Stored offset', num: true, value: c => offsetText(c.stored_offset) },
      { title: 'Group', value: c => c.consumer_group ?? '' });
  }
  return table('queue-consumers-table', columns, q.consumer_details || [], 'No consumers.');
}
