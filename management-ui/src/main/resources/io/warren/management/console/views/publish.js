/* The publish form that exchange and queue pages share. */
'use strict';

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
