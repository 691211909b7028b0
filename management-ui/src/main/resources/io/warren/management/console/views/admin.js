/* Admin: users, vhosts, permissions, policies. */
'use strict';

async function viewAdmin() {
  const isAdmin = state.user.tags.includes('administrator');
  const [vhosts, policies] = await Promise.all([api('GET', '/vhosts'), api('GET', '/policies')]);
  const users = isAdmin ? await api('GET', '/users') : [];
  const perms = isAdmin ? await api('GET', '/permissions') : [];
  $('#view').innerHTML = `<h1>Admin</h1>` +
    (isAdmin ? `<h2>Users</h2>` + table('users-table', [
      { title: 'Name', value: u => u.name }, { title: 'Tags', value: u => u.tags.join(', ') },
      { title: '', html: u => `<button class="plain" data-del-user="${esc(u.name)}">Delete</button>` }], users) +
      `<form id="add-user" class="row"><label>Name <input name="name" required></label><label>Password <input name="password" type="password" required></label>
        <label>Tags <input name="tags" placeholder="administrator, monitoring, management"></label><button type="submit">Add user</button></form>` : '') +
    `<h2>Virtual hosts</h2>` + table('vhosts-table', [
      { title: 'Name', value: v => v.name }, { title: 'Messages', num: true, value: v => v.messages },
      { title: '', html: v => isAdmin && v.name !== '/' ? `<button class="plain" data-del-vhost="${esc(v.name)}">Delete</button>` : '' }], vhosts) +
    (isAdmin ? `<form id="add-vhost" class="row"><label>Name <input name="name" required></label><button type="submit">Add vhost</button></form>
      <h2>Permissions</h2>` + table('permissions-table', [
      { title: 'User', value: p => p.user }, { title: 'Vhost', value: p => p.vhost }, { title: 'Configure', value: p => p.configure },
      { title: 'Write', value: p => p.write }, { title: 'Read', value: p => p.read },
      { title: '', html: p => `<button class="plain" data-del-perm="${esc(p.vhost)}" data-user="${esc(p.user)}">Clear</button>` }], perms) +
      `<form id="set-permission" class="row"><label>User <select name="user">${users.map(u => `<option>${esc(u.name)}</option>`).join('')}</select></label>
        <label>Vhost <select name="vhost">${vhostOptions(vhosts)}</select></label><label>Configure <input name="configure" value=".*"></label>
        <label>Write <input name="write" value=".*"></label><label>Read <input name="read" value=".*"></label><button type="submit">Set permission</button></form>` : '') +
    `<h2>Policies</h2><p class="muted">A policy applies to the queues and exchanges of its vhost whose names match its pattern
      (the one with the highest priority, where several match); a queue's page shows the policy in effect.</p>` + table('policies-table', [
      { title: 'Vhost', value: p => p.vhost }, { title: 'Name', value: p => p.name }, { title: 'Pattern', value: p => p.pattern },
      { title: 'Apply to', value: p => p['apply-to'] }, { title: 'Definition', value: p => JSON.stringify(p.definition) },
      { title: 'Priority', num: true, value: p => p.priority },
      { title: '', html: p => `<button class="plain" data-del-policy="${esc(p.vhost)}" data-policy="${esc(p.name)}">Delete</button>` }], policies) +
    `<form id="add-policy" class="row"><label>Vhost <select name="vhost">${vhostOptions(vhosts)}</select></label><label>Name <input name="name" required></label>
      <label>Pattern <input name="pattern" required></label><label>Apply to <select name="apply-to"><option>all</option><option>queues</option><option>exchanges</option></select></label>
      <label>Definition (JSON) <input name="definition" value='{"message-ttl": 60000}'></label><label>Priority <input name="priority" type="number" value="0" style="width:70px"></label>
      <button type="submit">Add policy</button></form>`;
  const form = (id, fn, msg) => { const f = $(id); if (f) f.onsubmit = e => { e.preventDefault(); act(() => fn(new FormData(e.target)), msg); }; };
  form('#add-user', f => api('PUT', '/users/' + enc(f.get('name')), { password: f.get('password'), tags: f.get('tags') || '' }), 'User added.');
  form('#add-vhost', f => api('PUT', '/vhosts/' + enc(f.get('name')), {}), 'Vhost added.');
  form('#set-permission', f => api('PUT', `/permissions/${enc(f.get('vhost'))}/${enc(f.get('user'))}`,
    { configure: f.get('configure'), write: f.get('write'), read: f.get('read') }), 'Permission set.');
  form('#add-policy', f => {
    let definition;
    try { definition = JSON.parse(f.get('definition')); } catch (err) { return Promise.reject(new Error('Definition is not valid JSON: ' + err.message)); }
    return api('PUT', `/policies/${enc(f.get('vhost'))}/${enc(f.get('name'))}`, { pattern: f.get('pattern'), 'apply-to': f.get('apply-to'), definition, priority: Number(f.get('priority')) });
  }, 'Policy added.');
  document.querySelectorAll('[data-del-user]').forEach(b => b.onclick = () => confirm(`Delete user ${b.dataset.delUser}?`) && act(() => api('DELETE', '/users/' + enc(b.dataset.delUser)), 'User deleted.'));
  document.querySelectorAll('[data-del-vhost]').forEach(b => b.onclick = () => confirm(`Delete vhost ${b.dataset.delVhost} and everything in it?`) && act(() => api('DELETE', '/vhosts/' + enc(b.dataset.delVhost)), 'Vhost deleted.'));
  document.querySelectorAll('[data-del-perm]').forEach(b => b.onclick = () => act(() => api('DELETE', `/permissions/${enc(b.dataset.delPerm)}/${enc(b.dataset.user)}`), 'Permission cleared.'));
  document.querySelectorAll('[data-del-policy]').forEach(b => b.onclick = () => act(() => api('DELETE', `/policies/${enc(b.dataset.delPolicy)}/${enc(b.dataset.policy)}`), 'Policy deleted.'));
}
