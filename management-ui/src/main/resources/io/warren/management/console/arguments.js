/*
 * The x-arguments editor of the add-queue and add-exchange forms: rows of key, value and type, an empty row always
 * last, and clickable shortcuts (as RabbitMQ's console offers) that add a known argument with its type set, so that
 * numbers go out as JSON numbers and booleans as booleans, never as strings.
 */
'use strict';

/** Queue arguments Warren understands: key, what the shortcut says, value type, and the values it takes if few. */
const QUEUE_ARGUMENTS = [
  { key: 'x-message-ttl', label: 'Message TTL', type: 'number', hint: 'ms' },
  { key: 'x-expires', label: 'Auto expire', type: 'number', hint: 'ms unused' },
  { key: 'x-max-length', label: 'Max length', type: 'number', hint: 'messages' },
  { key: 'x-max-length-bytes', label: 'Max length bytes', type: 'number', hint: 'bytes' },
  { key: 'x-overflow', label: 'Overflow behaviour', type: 'string', choices: ['drop-head', 'reject-publish', 'reject-publish-dlx'] },
  { key: 'x-dead-letter-exchange', label: 'Dead letter exchange', type: 'string' },
  { key: 'x-dead-letter-routing-key', label: 'Dead letter routing key', type: 'string' },
  { key: 'x-single-active-consumer', label: 'Single active consumer', type: 'boolean', value: 'true' },
  { key: 'x-max-priority', label: 'Maximum priority', type: 'number', hint: '1 to 255' },
  { key: 'x-delivery-limit', label: 'Delivery limit', type: 'number', hint: 'redeliveries' },
  { key: 'x-queue-mode', label: 'Lazy mode', type: 'string', value: 'lazy', choices: ['default', 'lazy'] },
  { key: 'x-queue-type', label: 'Queue type', type: 'string', value: 'classic', choices: ['classic'] },
  { key: 'x-queue-version', label: 'Version', type: 'number', choices: ['1', '2'] },
  { key: 'x-message-deduplication', label: 'Deduplication', type: 'boolean', value: 'true' },
  { key: 'x-max-in-memory-length', label: 'Max in memory length', type: 'number', hint: 'messages' },
  { key: 'x-max-in-memory-bytes', label: 'Max in memory bytes', type: 'number', hint: 'bytes' },
];

/** Exchange arguments by type ('*': any type). x-delayed-type has a field of its own in the form. */
const EXCHANGE_ARGUMENTS = {
  '*': [{ key: 'alternate-exchange', label: 'Alternate exchange', type: 'string' }],
  'x-consistent-hash': [{ key: 'hash-header', label: 'Hash on header', type: 'string' },
    { key: 'hash-property', label: 'Hash on property', type: 'string', choices: ['message_id', 'correlation_id', 'timestamp'] }],
  'x-message-deduplication': [{ key: 'x-cache-size', label: 'Cache size', type: 'number', hint: 'values remembered' },
    { key: 'x-cache-ttl', label: 'Cache TTL', type: 'number', hint: 'ms' },
    { key: 'x-cache-persistence', label: 'Cache persistence', type: 'string', value: 'memory', choices: ['memory', 'disk'] }],
};

/** The editor's markup: rows in #${id}, shortcuts in #${id}-shortcuts (filled by setArgumentShortcuts). */
function argumentsEditorHtml(id) {
  return `<div class="args"><span class="args-title">Arguments</span><div id="${id}" class="arg-rows">${argumentRowHtml()}</div>
    <div class="shortcuts">Add <span id="${id}-shortcuts"></span></div></div>`;
}

function argumentRowHtml(key = '', type = 'string', value = '', spec = null) {
  const list = spec?.choices ? `list="choices-${esc(spec.key)}"` : '';
  const choices = spec?.choices ? `<datalist id="choices-${esc(spec.key)}">${spec.choices.map(c => `<option value="${esc(c)}">`).join('')}</datalist>` : '';
  return `<div class="arg-row"><input class="arg-key" placeholder="key" value="${esc(key)}"> =
    <input class="arg-value" placeholder="${esc(spec?.hint || 'value')}" value="${esc(value)}" ${list}>${choices}
    <select class="arg-type">${['string', 'number', 'boolean'].map(t => `<option ${t === type ? 'selected' : ''}>${t}</option>`).join('')}</select></div>`;
}

/** Wires the editor: typing in the last row opens a new empty one. */
function bindArgumentsEditor(id) {
  const rows = $('#' + id);
  rows.addEventListener('input', () => {
    const last = rows.lastElementChild;
    if (last.querySelector('.arg-key').value || last.querySelector('.arg-value').value) rows.insertAdjacentHTML('beforeend', argumentRowHtml());
  });
}

/** Shows these shortcuts; clicking one adds its argument (or goes to it, if it is there already). */
function setArgumentShortcuts(id, specs) {
  const box = $(`#${id}-shortcuts`);
  box.innerHTML = specs.map(s => `<a href="#" class="shortcut" data-arg="${esc(s.key)}" title="${esc(s.key)}">${esc(s.label)}</a>`).join(' | ');
  box.querySelectorAll('[data-arg]').forEach(a => a.onclick = e => {
    e.preventDefault();
    const spec = specs.find(s => s.key === a.dataset.arg);
    const rows = $('#' + id);
    let row = [...rows.children].find(r => r.querySelector('.arg-key').value === spec.key);
    if (!row) {
      const last = rows.lastElementChild;
      last.insertAdjacentHTML('beforebegin', argumentRowHtml(spec.key, spec.type, spec.value || '', spec));
      row = last.previousElementSibling;
    }
    row.querySelector('.arg-value').focus();
  });
}

/** The rows as a JSON object with typed values; an Error that names the row when a value does not fit its type. */
function readArguments(id) {
  const out = {};
  for (const row of $('#' + id).children) {
    const key = row.querySelector('.arg-key').value.trim();
    const raw = row.querySelector('.arg-value').value.trim();
    const type = row.querySelector('.arg-type').value;
    if (!key && !raw) continue;
    if (!key) throw new Error(`The argument with value '${raw}' has no key.`);
    if (key in out) throw new Error(`Argument ${key} is given twice.`);
    out[key] = typedValue(key, raw, type);
  }
  return out;
}

function typedValue(key, raw, type) {
  if (type === 'number') {
    if (!/^-?\d+(\.\d+)?$/.test(raw)) throw new Error(`Argument ${key} must be a number, not '${raw}'.`);
    return Number(raw);
  }
  if (type === 'boolean') {
    if (raw !== 'true' && raw !== 'false') throw new Error(`Argument ${key} must be true or false, not '${raw}'.`);
    return raw === 'true';
  }
  return raw;
}
