/* Overview: tiles and live charts of the whole broker. */
'use strict';

async function viewOverview() {
  const view = $('#view');
  view.innerHTML = `<h1>Overview</h1>
    <div class="tiles" id="tiles"></div>
    ${rateChartsHtml('chart')}`;
  const charts = rateCharts('chart');
  const tick = async () => {
    const o = await api('GET', '/overview');
    const s = o.message_stats || {}, q = o.queue_totals || {}, t = o.object_totals || {};
    charts.push(s, q);
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
