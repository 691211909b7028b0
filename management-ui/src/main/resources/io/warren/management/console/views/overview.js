/* Overview: tiles and live charts of the whole broker. */
'use strict';

async function viewOverview() {
  const view = $('#view');
  view.innerHTML = `<h1>Overview</h1>
    <div class="tiles" id="tiles"></div>
    <div id="overview-nodes"></div>
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
      tile('tile-alarms', (o.alarms || []).length ? o.alarms.map(a => a.resource + ' on ' + a.node).join(', ') : 'none', 'alarms');
    // the cluster's members, for those who may read /api/nodes (a single node shows no table)
    if (state.user.tags.some(t => t === 'administrator' || t === 'monitoring')) {
      const nodes = await api('GET', '/nodes');
      $('#overview-nodes').innerHTML = nodes.length > 1 ? '<h2>Nodes</h2>' + nodesTable(nodes) : '';
    }
  };
  await tick();
  refreshEvery(2000, tick);
}
