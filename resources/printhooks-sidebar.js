// The PrintHooks sidebar tab (docs/editor.md "Sidebar"): printers, senders, dead letters and the
// persisted delivery log, from the admin routes under printhooks/ (nodes/shared/sidebar-routes.ts); its
// buttons use the sender's own routes under printhooks-sender/<id>/.
// Loaded by the printhooks-sidebar plugin; every value is put in as text, never as HTML.
(function () {
  'use strict';
  if (window.PrintHooksSidebar) return;

  var REFRESH_MS = 3000;
  var DOT = { green: '#5a8', yellow: '#F9DF31', red: '#c00', grey: '#999', blue: '#53A3F3' };
  var state = { timer: null, content: null, searchTimer: null, logSeq: 0, openResponse: {} };

  // labels from the plugin's catalog (nodes/printhooks-sidebar/locales/en-US/printhooks-sidebar-plugin.json)
  var NS = '@printhooks/node-red-printhooks/printhooks-sidebar:';

  /** The catalog's text for `key`, with `__name__` placeholders filled from `vars`. */
  function t(key, vars) {
    var text = RED._(NS + key, vars || {});
    return typeof text === 'string' && text.indexOf(key) === -1 ? text : key;
  }

  function errorText(xhr) {
    return (xhr.responseJSON && xhr.responseJSON.error) || xhr.statusText || ('HTTP ' + xhr.status);
  }

  function el(tag, cls, text) {
    var node = $('<' + tag + '>');
    if (cls) node.addClass(cls);
    if (text !== undefined && text !== null) node.text(String(text));
    return node;
  }

  function ago(time) {
    var at = Date.parse(time);
    if (!isFinite(at)) return '';
    var s = Math.round((Date.now() - at) / 1000);
    if (s < 60) return t('time.secondsAgo', { n: s });
    if (s < 3600) return t('time.minutesAgo', { n: Math.round(s / 60) });
    if (s < 86400) return t('time.hoursAgo', { n: Math.round(s / 3600) });
    return new Date(at).toLocaleString();
  }

  function inTime(time) {
    var at = Date.parse(time);
    if (!isFinite(at)) return '';
    var s = Math.round((at - Date.now()) / 1000);
    if (s <= 0) return t('time.now');
    if (s < 60) return t('time.inSeconds', { n: s });
    if (s < 3600) return t('time.inMinutes', { n: Math.round(s / 60) });
    return t('time.inHours', { n: Math.round(s / 3600) });
  }

  function dot(fill) {
    return $('<span class="printhooks-sidebar-dot">').css({ display: 'inline-block', width: '8px', height: '8px', 'border-radius': '50%', 'margin-right': '4px', background: DOT[fill] || DOT.grey });
  }

  function section(title) {
    var box = el('div', 'printhooks-sidebar-section').css({ padding: '6px 8px', 'border-bottom': '1px solid var(--red-ui-secondary-border-color, #ddd)' });
    box.append(el('div', null, title).css({ 'font-weight': 'bold', 'margin-bottom': '4px' }));
    return box;
  }

  function printersSection(printers) {
    var box = section(t('printers.title')).attr('id', 'printhooks-sidebar-printers');
    if (!printers.length) box.append(el('div', 'printhooks-sidebar-empty', t('printers.none')).css('color', '#888'));
    printers.forEach(function (p) {
      var row = el('div', 'printhooks-sidebar-printer').attr('data-printer', p.id).css({ margin: '4px 0 8px' });
      row.append(el('div').append(el('b', 'printhooks-sidebar-printer-name', p.name), ' ', el('span', null, '(' + p.platform + ')').css('color', '#888')));
      var conn = p.connection || { fill: 'grey', text: t('printers.noStatus') };
      row.append(el('div', 'printhooks-sidebar-connection').append(dot(conn.fill), el('span', null, conn.text)));
      var facts = [];
      if (p.state) facts.push(t('printers.state', { state: p.state }));
      if (p.job && p.job.file) facts.push(t('printers.job', { file: p.job.file }));
      if (p.job && typeof p.job.progress === 'number') facts.push(Math.round(p.job.progress) + ' %');
      if (facts.length) row.append(el('div', 'printhooks-sidebar-state', facts.join(' · ')));
      if (p.lastEvent) row.append(el('div', 'printhooks-sidebar-last-event', t('printers.lastEvent', { type: p.lastEvent.type, ago: ago(p.lastEvent.time) })).css('color', '#888'));
      if (p.sources && p.sources.length) row.append(el('div', null, t('printers.sources', { names: p.sources.map(function (s) { return s.name; }).join(', ') })).css({ color: '#888', 'font-size': '0.9em' }));
      box.append(row);
    });
    return box;
  }

  function action(label, url, what, done) {
    return $('<button type="button" class="red-ui-button red-ui-button-small">').text(label).css('margin-right', '4px').on('click', function (e) {
      e.preventDefault();
      $.ajax({ url: url, type: 'POST', contentType: 'application/json', data: '{}' }).done(function (answer) {
        RED.notify(done(answer), 'success');
        refresh();
      }).fail(function (xhr) {
        RED.notify(t('senders.failed', { what: what, error: errorText(xhr) }), 'error');
      });
    });
  }

  function sendersSection(senders) {
    var box = section(t('senders.title')).attr('id', 'printhooks-sidebar-senders');
    if (!senders.length) box.append(el('div', 'printhooks-sidebar-empty', t('senders.none')).css('color', '#888'));
    senders.forEach(function (s) {
      var row = el('div', 'printhooks-sidebar-sender').attr('data-sender', s.id).css({ margin: '4px 0 8px' });
      row.append(el('b', 'printhooks-sidebar-sender-name', s.name));
      var health = s.endpoint && s.endpoint.health;
      var counts = t('senders.counts', { queued: s.queued, delivered: health ? health.delivered : 0, dead: s.dead });
      if (s.inFlight) counts += ' · ' + t('senders.inFlight', { n: s.inFlight });
      // a sender on the PostgreSQL store: counts of the queue every instance shares (docs/scale.md)
      if (s.store === 'postgres') counts += ' · ' + t('senders.shared');
      row.append(el('div', 'printhooks-sidebar-counts', counts));
      if (s.queued && s.nextAttemptAt) row.append(el('div', 'printhooks-sidebar-next', t('senders.next', { when: inTime(s.nextAttemptAt) })));
      if (s.endpoint) {
        var fill = !health ? 'grey' : health.disabled ? 'red' : health.consecutiveFailures ? 'yellow' : 'green';
        var words = !health ? '' : health.disabled ? (health.disabledReason || t('senders.disabled')) : health.consecutiveFailures ? t('senders.failures', { n: health.consecutiveFailures }) : t('senders.healthy');
        var breaker = s.endpoint.breaker;
        if (breaker && (breaker.state === 'open' || breaker.state === 'half-open')) {
          fill = 'red';
          words = t('senders.breaker', { state: breaker.state }) + (breaker.nextProbeAt ? ', ' + t('senders.probe', { when: inTime(breaker.nextProbeAt) }) : '') + (breaker.reason ? ' · ' + breaker.reason : '');
        }
        row.append(el('div', 'printhooks-sidebar-endpoint').append(dot(fill), el('span', null, (s.endpoint.url || s.endpoint.name) + (words ? ' · ' + words : ''))));
      }
      var buttons = el('div').css('margin-top', '2px');
      // the sender's own admin routes (nodes/printhooks-sender/admin-routes.ts), as its dialog uses them
      var base = 'printhooks-sender/' + encodeURIComponent(s.id);
      if (s.dead) buttons.append(action(t('senders.replay'), base + '/retry-dead', t('senders.replay'), function (a) { return t('senders.replayed', { n: a.retried }); }).addClass('printhooks-sidebar-replay'));
      if (s.queued && s.canRetryNow !== false) buttons.append(action(t('senders.retryNow'), base + '/retry-now', t('senders.retryNow'), function (a) { return t('senders.retried', { n: a.queued }); }).addClass('printhooks-sidebar-retry-now'));
      if (buttons.children().length) row.append(buttons);
      (s.deadLetters || []).forEach(function (d) {
        row.append(el('div', 'printhooks-sidebar-dead-letter', '✖ ' + [d.eventType, d.printer, d.webhookId].filter(Boolean).join(' · ') + (d.reason ? ' — ' + d.reason : ''))
          .css({ color: '#c00', 'font-size': '0.9em', 'word-break': 'break-all' }));
      });
      box.append(row);
    });
    return box;
  }

  /** The log's search box, sender picker and attempt list: built once, so a refresh never clears what the user typed. */
  function logSection() {
    var box = section(t('log.title')).attr('id', 'printhooks-sidebar-log').removeClass('printhooks-sidebar-section');
    var form = el('div').css({ display: 'flex', gap: '4px', 'margin-bottom': '4px' });
    var search = $('<input type="text" id="printhooks-sidebar-search">').attr('placeholder', t('log.search')).css({ flex: '1', 'min-width': '0' });
    var sender = $('<select id="printhooks-sidebar-sender">').css({ width: '35%' }).append($('<option value="">').text(t('log.allSenders')));
    form.append(search, sender);
    box.append(form, el('div', 'printhooks-sidebar-attempts').attr('id', 'printhooks-sidebar-attempts'));
    search.on('input', function () {
      window.clearTimeout(state.searchTimer);
      state.searchTimer = setTimeout(loadLog, 250);
    });
    sender.on('change', loadLog);
    return box;
  }

  function senderOptions(senders) {
    var select = $('#printhooks-sidebar-sender');
    var chosen = select.val();
    select.find('option').not(':first').remove();
    senders.forEach(function (s) { select.append($('<option>').val(s.id).text(s.name)); });
    select.val(senders.some(function (s) { return s.id === chosen; }) ? chosen : '');
  }

  function renderAttempts(attempts) {
    var list = $('#printhooks-sidebar-attempts').empty();
    if (!attempts.length) list.append(el('div', 'printhooks-sidebar-empty', t('log.none')).css('color', '#888'));
    attempts.forEach(function (a) {
      var key = a.sender + ' ' + a.webhookId + ' ' + a.attempt + ' ' + a.time;
      var ok = a.verdict === 'delivered';
      var row = el('div', 'printhooks-sidebar-attempt').attr({ 'data-webhook': a.webhookId, 'data-attempt': a.attempt, 'data-verdict': a.verdict }).css({ padding: '3px 0', 'border-top': '1px dotted #ddd', cursor: 'pointer' });
      var head = el('div').append(dot(ok ? 'green' : a.verdict === 'retry' ? 'yellow' : 'red'),
        el('span', 'printhooks-sidebar-attempt-status', (a.status !== undefined ? a.status : (a.error || '')) + ' ' + a.verdict),
        el('span', null, ' · ' + [a.eventType, a.printer].filter(Boolean).join(' · ')));
      var meta = el('div', null, [ago(a.time), a.senderName, t('log.try', { n: a.attempt }), a.durationMs + ' ms', a.webhookId].join(' · ')).css({ color: '#888', 'font-size': '0.85em', 'word-break': 'break-all' });
      row.append(head, meta);
      if (a.response) {
        var body = $('<pre class="printhooks-sidebar-response">').text(a.response).css({ 'white-space': 'pre-wrap', 'word-break': 'break-all', 'max-height': '160px', overflow: 'auto', margin: '2px 0', 'font-size': '0.85em' });
        body.toggle(!!state.openResponse[key]);
        row.append(body).on('click', function () {
          state.openResponse[key] = !state.openResponse[key];
          body.toggle(state.openResponse[key]);
        });
      }
      list.append(row);
    });
  }

  function loadLog() {
    var query = { q: $('#printhooks-sidebar-search').val() || '', sender: $('#printhooks-sidebar-sender').val() || '', limit: 100 };
    // only the answer to the latest query is shown
    var seq = ++state.logSeq;
    $.getJSON('printhooks/log', query).done(function (answer) {
      if (seq === state.logSeq) renderAttempts(answer.attempts || []);
    }).fail(function (xhr) {
      if (seq !== state.logSeq) return;
      $('#printhooks-sidebar-attempts').empty().append(el('div', null, t('log.unreadable', { error: errorText(xhr) })).css('color', '#c00'));
    });
  }

  function render(data) {
    var content = state.content;
    content.find('.printhooks-sidebar-section, .printhooks-sidebar-problem').remove();
    content.prepend(printersSection(data.printers || []), sendersSection(data.senders || []));
    senderOptions(data.senders || []);
    loadLog();
  }

  function refresh() {
    $.getJSON('printhooks/sidebar').done(render).fail(function (xhr) {
      state.content.find('.printhooks-sidebar-problem').remove();
      state.content.prepend(el('div', 'printhooks-sidebar-problem', 'PrintHooks: ' + errorText(xhr)).css({ color: '#c00', padding: '6px 8px' }));
    });
  }

  function visible() {
    return state.content && state.content.is(':visible');
  }

  function tick() {
    if (visible()) refresh();
  }

  function addTab() {
    if (state.content) return;
    state.content = $('<div id="printhooks-sidebar" class="printhooks-sidebar">').css({ position: 'absolute', top: 0, bottom: 0, left: 0, right: 0, overflow: 'auto' });
    state.content.append(logSection());
    var toolbar = $('<div>').append($('<button type="button" class="red-ui-sidebar-header-button" id="printhooks-sidebar-refresh"><i class="fa fa-refresh"></i></button>').on('click', refresh));
    RED.sidebar.addTab({
      id: 'printhooks',
      label: 'PrintHooks',
      name: 'PrintHooks',
      iconClass: 'fa fa-print',
      content: state.content,
      toolbar: toolbar,
      enableOnEdit: true,
      onchange: refresh,
    });
    state.timer = window.setInterval(tick, REFRESH_MS);
    // a deploy changes what runs: show it at once
    RED.events.on('deploy', function () { setTimeout(tick, 500); });
  }

  window.PrintHooksSidebar = { refresh: refresh, addTab: addTab };
  if (RED.plugins && RED.plugins.registerPlugin) {
    RED.plugins.registerPlugin('printhooks-sidebar', { onadd: addTab });
  } else {
    addTab();
  }
})();
