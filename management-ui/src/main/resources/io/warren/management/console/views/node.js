/* Node: a node's memory, disk, file descriptors, uptime, versions and listeners, from GET /api/nodes; in a
   cluster, every member first (the answering node, then the others from their last status reports). */
'use strict';

/** The cluster's members as a table: name (to its page), state, memory, disk, uptime, alarms. */
function nodesTable(nodes) {
  const alarms = n => [n.mem_alarm ? 'memory' : '', n.disk_free_alarm ? 'disk' : ''].filter(a => a).join(', ') || 'none';
  return table('nodes-table', [
    { title: 'Name', html: n => `<a href="#/node/${enc(n.name)}">${esc(n.name)}</a>` },
    { title: 'State', value: n => n.running ? 'running' : 'stopped' },
    { title: 'Memory', value: n => n.running ? `${bytes(n.mem_used)} of ${bytes(n.mem_limit)}` : '' },
    { title: 'Disk free', value: n => n.running ? `${bytes(n.disk_free)} (limit ${bytes(n.disk_free_limit)})` : '' },
    { title: 'Uptime', value: n => n.running ? duration(n.uptime) : '' },
    { title: 'Alarms', value: n => n.running ? alarms(n) : '' },
  ], nodes);
}

async function viewNode(name) {
  const render = async () => {
    const nodes = await api('GET', '/nodes');
    const node = name ? (nodes.find(n => n.name === name) || await api('GET', '/nodes/' + enc(name))) : nodes[0];
    const members = nodes.length > 1 ? '<h2>Cluster nodes</h2>' + nodesTable(nodes) : '';
    if (!node.running) {
      $('#view').innerHTML = `<h1>Node <span id="node-name">${esc(node.name)}</span> <span class="muted">stopped</span></h1>
        <p class="muted">Not heard from for a few seconds: its figures are unknown until it reports again.</p>` + members;
      return;
    }
    const tile = (id, value, label, alarm) =>
      `<div class="tile${alarm ? ' alarm' : ''}" id="${id}"><b>${esc(value)}</b><span>${esc(label)}</span></div>`;
    const gauge = (used, limit) => limit > 0 ? `<div class="gauge"><i style="width:${Math.min(100, 100 * used / limit).toFixed(1)}%"></i></div>` : '';
    $('#view').innerHTML = `<h1>Node <span id="node-name">${esc(node.name)}</span> <span class="muted">running</span></h1>
      ${members}
      <div class="tiles">
        ${tile('node-mem', `${bytes(node.mem_used)} of ${bytes(node.mem_limit)}`, 'memory used / high watermark' + (node.mem_alarm ? ': ALARM' : ''), node.mem_alarm)}
        ${tile('node-heap', `${bytes(node.heap_used)} of ${bytes(node.heap_max)}`, 'Java heap used / max')}
        ${tile('node-rss', bytes(node.mem_rss), 'resident memory (RSS)')}
        ${tile('node-disk', `${bytes(node.disk_free)} (limit ${bytes(node.disk_free_limit)})`, 'disk free' + (node.disk_free_alarm ? ': ALARM' : ''), node.disk_free_alarm)}
        ${tile('node-fd', `${node.fd_used ?? '?'} of ${node.fd_total ?? '?'}`, 'file descriptors used / max')}
        ${tile('node-uptime', duration(node.uptime), 'uptime')}
      </div>
      <div class="grid">
        <div class="card"><h2>Memory</h2>${gauge(node.mem_used, node.mem_limit)}
          <p class="muted">Heap after the last collection plus direct memory, against the high watermark: above it, publishers are blocked.</p>
          <h2>Disk</h2>
          <p class="muted">Free space under ${esc(node.data_dir)}; below the limit, publishers are blocked.</p></div>
        <div class="card"><h2>Versions</h2><table id="node-versions"><tbody>
          <tr><th>Warren</th><td id="node-version">${esc(node.product_version)}</td></tr>
          <tr><th>RabbitMQ API level</th><td>${esc(node.rabbitmq_version)}</td></tr>
          <tr><th>Java</th><td id="node-java">${esc(node.java_version)}</td></tr>
          <tr><th>JVM</th><td>${esc(node.java_vm)}</td></tr><tr><th>OS</th><td>${esc(node.os)}</td></tr>
          <tr><th>Processors</th><td>${esc(node.processors)}</td></tr><tr><th>Process id</th><td>${esc(node.os_pid)}</td></tr>
        </tbody></table></div>
      </div>
      <h2>Listeners</h2>` + table('listeners-table', [
        { title: 'Protocol', value: l => l.protocol }, { title: 'Address', value: l => l.ip_address }, { title: 'Port', num: true, value: l => l.port },
      ], (node.listeners || []).map(l => ({ ...l, name: l.protocol }))) +
      `<h2>Exchange types</h2>` + table('exchange-types-table', [
        { title: 'Name', value: t => t.name }, { title: 'Description', value: t => t.description },
      ], node.exchange_types || []);
  };
  await render();
  refreshEvery(5000, render);
}
