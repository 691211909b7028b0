/*
 * The pair of live charts the overview and a queue's page share: message rates (publish, deliver / get, ack) and
 * queued messages (ready, unacknowledged, total). Both objects carry RabbitMQ's fields (message_stats with
 * *_details.rate; messages, messages_ready, messages_unacknowledged), so one piece of code draws either. The
 * server keeps no history: each chart holds the samples this page has taken since it opened.
 */
'use strict';

const RATE_SERIES = [{ key: 'publish', label: 'publish', color: '#2d6cdf' }, { key: 'deliver', label: 'deliver / get', color: '#1e9e6a' },
  { key: 'ack', label: 'ack', color: '#d08a1f' }];
const DEPTH_SERIES = [{ key: 'ready', label: 'ready', color: '#b5462b' }, { key: 'unacked', label: 'unacknowledged', color: '#7a5cc2' },
  { key: 'total', label: 'total', color: '#1d2733' }];

/** The two chart cards; canvases get the ids `${prefix}-rates` and `${prefix}-queued`. */
function rateChartsHtml(prefix, titles = ['Message rates', 'Queued messages']) {
  const legend = series => `<div class="legend">${series.map(s => `<span><i style="background:${s.color}"></i>${esc(s.label)}</span>`).join('')}</div>`;
  return `<div class="grid">
      <div class="card"><h2>${esc(titles[0])}</h2><canvas id="${prefix}-rates"></canvas>${legend(RATE_SERIES)}</div>
      <div class="card"><h2>${esc(titles[1])}</h2><canvas id="${prefix}-queued"></canvas>${legend(DEPTH_SERIES)}</div>
    </div>`;
}

/**
 * The charts drawn on the canvases rateChartsHtml(prefix) made; they survive a re-render of the same page (kept in
 * state.charts, which routing clears when the page changes), so their history does too.
 */
function rateCharts(prefix) {
  const charts = state.charts || { rates: new LineChart(null, RATE_SERIES), queued: new LineChart(null, DEPTH_SERIES) };
  state.charts = charts;
  charts.rates.canvas = $(`#${prefix}-rates`);
  charts.queued.canvas = $(`#${prefix}-queued`);
  return {
    charts,
    /** One sample: stats is a message_stats object, depths an object with messages, messages_ready, messages_unacknowledged. */
    push(stats, depths) {
      const s = stats || {}, d = depths || {};
      charts.rates.push({ publish: s.publish_details?.rate || 0, deliver: s.deliver_get_details?.rate || 0, ack: s.ack_details?.rate || 0 });
      charts.queued.push({ ready: d.messages_ready || 0, unacked: d.messages_unacknowledged || 0, total: d.messages || 0 });
    },
  };
}
