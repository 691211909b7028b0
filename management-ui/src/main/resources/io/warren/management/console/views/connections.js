/* Connections and channels: live lists. */
'use strict';

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
