/* Overview: tiles and live charts of the whole broker. */
'use strict';

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
