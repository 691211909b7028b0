/* Definitions: export and import. */
'use strict';

async function viewDefinitions() {
  if (!state.user.tags.includes('administrator')) {
    $('#view').innerHTML = `<h1>Definitions</h1><p class="muted">Exporting and importing definitions is for administrators.</p>`;
    return;
  }
  $('#view').innerHTML = `<h1>Definitions</h1>
    <div class="card"><h2>Export</h2><p class="muted">Vhosts, users, permissions, exchanges, queues, bindings and policies, in RabbitMQ's format.</p>
      <button id="definitions-export" type="button">Download broker definitions</button></div>
    <div class="card"><h2>Import</h2><p class="muted">Paste a definitions file (Warren's or RabbitMQ's export), or choose one.</p>
      <input id="definitions-file" type="file" accept=".json,application/json">
      <textarea id="definitions-import-text" placeholder='{"queues": [...]}'></textarea>
      <button id="definitions-import-submit" type="button">Upload definitions</button></div>`;
  $('#definitions-export').onclick = async () => {
    try {
      const defs = await api('GET', '/definitions');
      const a = document.createElement('a');
      a.href = URL.createObjectURL(new Blob([JSON.stringify(defs, null, 2)], { type: 'application/json' }));
      a.download = 'warren-definitions.json';
      a.click();
    } catch (e) { flash(e.message, true); }
  };
  $('#definitions-file').onchange = async e => { const file = e.target.files[0]; if (file) $('#definitions-import-text').value = await file.text(); };
  $('#definitions-import-submit').onclick = () => {
    let defs;
    try { defs = JSON.parse($('#definitions-import-text').value); } catch (err) { flash('Not valid JSON: ' + err.message, true); return; }
    act(() => api('POST', '/definitions', defs), 'Definitions imported.');
  };
}
