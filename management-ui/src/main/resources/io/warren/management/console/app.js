/* Warren's console: login, routing between views, start-up. Loaded last, after core.js and the views. */
'use strict';

// ---- login ----

async function login(user, pass) {
  state.auth = btoa(unescape(encodeURIComponent(user + ':' + pass)));
  try {
    const r = await fetch('/api/whoami', { headers: { 'Authorization': 'Basic ' + state.auth, 'X-Requested-With': 'XMLHttpRequest' } });
    if (!r.ok) {
      const data = await r.json().catch(() => ({}));
      throw new Error(data.reason || 'Login failed');
    }
    state.user = await r.json();
    sessionStorage.setItem('warren.auth', state.auth);
    showApp();
  } catch (e) {
    state.auth = null;
    $('#login-error').textContent = e.message === 'Login failed' ? 'Wrong username or password.' : e.message;
    $('#login-error').hidden = false;
  }
}

function logout(message) {
  state.auth = null; state.user = null;
  sessionStorage.removeItem('warren.auth');
  clearInterval(state.timer);
  $('#app').hidden = true; $('#login').hidden = false;
  $('#login-error').hidden = !message; $('#login-error').textContent = message || '';
}

function showApp() {
  $('#login').hidden = true; $('#app').hidden = false;
  $('#whoami').textContent = state.user.name;
  $('[data-nav="definitions"]').hidden = !state.user.tags.includes('administrator');
  // the node's page reads /api/nodes, which is for monitoring users (and administrators), as in RabbitMQ
  $('[data-nav="node"]').hidden = !state.user.tags.some(t => t === 'administrator' || t === 'monitoring');
  if (!location.hash) location.hash = '#/overview';
  route();
}

// ---- routing ----

const views = {
  overview: viewOverview, node: viewNode, connections: viewConnections, channels: viewChannels, exchanges: viewExchanges,
  exchange: viewExchange, queues: viewQueues, queue: viewQueue, admin: viewAdmin, definitions: viewDefinitions,
};

async function route() {
  const parts = location.hash.replace(/^#\//, '').split('/').map(decodeURIComponent);
  const name = parts[0] || 'overview';
  document.querySelectorAll('[data-nav]').forEach(a => a.classList.toggle('active', name.startsWith(a.dataset.nav.replace(/s$/, ''))));
  clearInterval(state.timer);
  const view = views[name] || viewOverview;
  if (route.current !== location.hash) { state.charts = null; route.current = location.hash; }
  try {
    await view(...parts.slice(1));
  } catch (e) {
    if (e.message !== 'unauthorised') $('#view').innerHTML = `<p class="error">${esc(e.message)}</p>`;
  }
}

// ---- start ----

$('#login-form').onsubmit = e => { e.preventDefault(); login($('#login-user').value, $('#login-pass').value); };
$('#logout').onclick = () => logout();
window.addEventListener('hashchange', () => state.user && route());

(async () => {
  if (state.auth) {
    try {
      const r = await fetch('/api/whoami', { headers: { 'Authorization': 'Basic ' + state.auth, 'X-Requested-With': 'XMLHttpRequest' } });
      if (r.ok) { state.user = await r.json(); showApp(); return; }
    } catch (e) { /* fall through to the login form */ }
  }
  logout();
})();
