/* The console's shared pieces: state, talking to the API, flash messages, tables. Loaded first. */
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


/** Bytes for people: 1.5 GiB, 300 MiB. */
function bytes(n) {
  if (n === undefined || n === null || n < 0) return 'unknown';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? n : n.toFixed(1)) + ' ' + units[i];
}

/** Milliseconds as 3d 4h, 5h 6m, 7m 8s. */
function duration(ms) {
  const s = Math.floor(ms / 1000), d = Math.floor(s / 86400), h = Math.floor(s / 3600) % 24, m = Math.floor(s / 60) % 60;
  return d ? `${d}d ${h}h` : h ? `${h}h ${m}m` : `${m}m ${s % 60}s`;
}
