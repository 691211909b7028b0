/* Exchanges: the list, the form to add one, an exchange's page (with its delayed messages). */
'use strict';

async function viewExchanges() {
  const [xs, vhosts, overview] = await Promise.all([api('GET', '/exchanges'), api('GET', '/vhosts'), api('GET', '/overview')]);
  // the types the server lists, so the form offers exactly what it can declare
  const types = (overview.exchange_types || []).filter(t => t.enabled).map(t => t.name);
  const routingTypes = types.filter(t => t !== 'x-delayed-message');
  const options = list => list.map(t => `<option>${esc(t)}</option>`).join('');
  $('#view').innerHTML = `<h1>Exchanges</h1>` + table('exchanges-table', [
    { title: 'Vhost', value: x => x.vhost },
    { title: 'Name', html: x => `<a href="#/exchange/${enc(x.vhost)}/${enc(x.name || 'amq.default')}">${esc(x.name || '(AMQP default)')}</a>` },
    { title: 'Type', value: x => x.type + (x.arguments?.['x-delayed-type'] ? ` (${x.arguments['x-delayed-type']})` : '') },
    { title: 'Features', value: x => [x.durable && 'durable', x.auto_delete && 'auto-delete', x.internal && 'internal'].filter(Boolean).join(' ') },
  ], xs) + `<div class="card"><h2>Add an exchange</h2><form id="add-exchange">
      <div class="row"><label>Vhost <select name="vhost">${vhostOptions(vhosts)}</select></label>
      <label>Name <input id="add-exchange-name" name="name" required></label>
      <label>Type <select id="add-exchange-type" name="type">${options(types)}</select></label>
      <label id="add-exchange-delayed" hidden>Delayed type (x-delayed-type) <select id="add-exchange-delayed-type" name="delayed_type">${options(routingTypes)}</select></label>
      <label>Durable <select name="durable"><option value="true">yes</option><option value="false">no</option></select></label>
      <label>Auto delete <select name="auto_delete"><option value="false">no</option><option value="true">yes</option></select></label>
      <label>Internal <select name="internal"><option value="false">no</option><option value="true">yes</option></select></label></div>
      ${argumentsEditorHtml('exchange-args')}
      <button id="add-exchange-submit" type="submit">Add exchange</button></form></div>`;
  bindArgumentsEditor('exchange-args');
  const typeChanged = () => {
    const type = $('#add-exchange-type').value;
    $('#add-exchange-delayed').hidden = type !== 'x-delayed-message';
    setArgumentShortcuts('exchange-args', [...EXCHANGE_ARGUMENTS['*'], ...(EXCHANGE_ARGUMENTS[type] || [])]);
  };
  $('#add-exchange-type').onchange = typeChanged;
  typeChanged();
  $('#add-exchange').onsubmit = e => {
    e.preventDefault();
    const f = new FormData(e.target);
    let args;
    try { args = readArguments('exchange-args'); } catch (err) { flash(err.message, true); return; }
    if (f.get('type') === 'x-delayed-message') args['x-delayed-type'] = f.get('delayed_type');
    act(() => api('PUT', `/exchanges/${enc(f.get('vhost'))}/${enc(f.get('name'))}`, { type: f.get('type'),
      durable: f.get('durable') === 'true', auto_delete: f.get('auto_delete') === 'true', internal: f.get('internal') === 'true', arguments: args }),
      'Exchange added.');
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
