// The editor code every PrintHooks dialog shares (docs/editor.md). Node-RED loads it once per node
// .html that names it, so it defines window.PrintHooksEditor only on the first load. The lists come from
// the generated printhooks-lists.js, read when a dialog opens (the two scripts load in either order).
(function () {
  'use strict';
  if (window.PrintHooksEditor) return;

  var ERROR_COLOR = '#c00';
  var OK_COLOR = 'green';
  // an HTTP header name (RFC 9110 token), or empty for the scheme's default
  var HEADER_NAME = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+)?$/;
  // Test-connection details shown after the message, in this order, when the route sends them
  var TEST_DETAILS = [['version', 'version'], ['state', 'state'], ['model', 'model'], ['fingerprint', 'certificate SHA-256']];

  function lists() {
    return window.PrintHooksLists;
  }

  function errorText(xhr) {
    return (xhr.responseJSON && xhr.responseJSON.error) || xhr.statusText || ('HTTP ' + xhr.status);
  }

  function postJson(url, body) {
    return $.ajax({ url: url, type: 'POST', contentType: 'application/json', data: JSON.stringify(body || {}) });
  }

  /** A POST (with an optional JSON body) from a dialog button; a failure is a notification that says what failed. */
  function adminAction(url, what, done, body) {
    return postJson(url, body).done(done).fail(function (xhr) {
      RED.notify(what + ' failed: ' + errorText(xhr) + (xhr.status === 404 ? ' (deploy first)' : ''), 'error');
    });
  }

  /**
   * The label function of a source node: its name, else its printer's (the config node's label), as
   * the PrintHooks sidebar names it too; `kind` only while no printer is chosen. Definitions stay
   * literal RED.nodes.registerType calls (docs/editor.md), so only such functions come from here.
   */
  function sourceLabel(configProperty, kind) {
    return function () {
      var config = RED.nodes.node(this[configProperty]);
      return this.name || (config ? RED.utils.getNodeLabel(config, kind) : kind);
    };
  }

  /** A definition's palette label from its catalog (`<type>.paletteLabel`); the node set of a type is named after it. */
  function paletteLabel() {
    var type = this.set && this.set.id ? this.set.id.split('/').pop() : '';
    return this._(type + '.paletteLabel');
  }

  /** The label function of the signer and verify nodes: their name, else "<prefix>: <scheme>". */
  function schemeLabel(prefix) {
    return function () {
      return this.name || (prefix + ': ' + (this.scheme || 'standard-webhooks'));
    };
  }

  /** Validates the header field of the signer and verify nodes: empty (the scheme's default) or a header name. */
  function isHeaderName(value) {
    return HEADER_NAME.test(value === undefined || value === null ? '' : String(value));
  }

  /** Renders a Test-connection answer `{ok, message, problem?, version?, state?, model?, fingerprint?}`. */
  function showTestResult(out, result) {
    if (!result || typeof result.ok !== 'boolean' || typeof result.message !== 'string') {
      out.text('Problem: the test route sent an answer the editor does not understand').css('color', ERROR_COLOR);
      return;
    }
    var text = result.message;
    // the shared wording already says version and state ("Reachable · auth OK · OctoPrint 1.11.8 · printer Operational")
    TEST_DETAILS.forEach(function (detail) {
      var value = result[detail[0]];
      if (typeof value === 'string' && value !== '' && result.message.indexOf(value) === -1) text += ' · ' + detail[1] + ' ' + value;
    });
    out.text(text).css('color', result.ok ? OK_COLOR : ERROR_COLOR);
  }

  /**
   * The Test-connection button of config node type `type` (the `test` row: #<type>-test, #<type>-result):
   * posts the node id and the dialog's current `fields()` to <type>/test and shows the answer.
   * Only the answer to the latest click is shown.
   */
  function testConnection(node, type, fields) {
    var latest = 0;
    $('#' + type + '-test').on('click', function (e) {
      e.preventDefault();
      var out = $('#' + type + '-result');
      var attempt = ++latest;
      out.text('Testing…').css('color', '');
      postJson(type + '/test', $.extend({ id: node.id }, fields())).done(function (result) {
        if (attempt === latest) showTestResult(out, result);
      }).fail(function (xhr) {
        if (attempt === latest) out.text('Problem: the editor could not run the test (' + errorText(xhr) + ')').css('color', ERROR_COLOR);
      });
    });
  }

  /** The values of a config dialog's inputs `names`, for a Test-connection request. */
  function configFields(names) {
    return function () {
      var fields = {};
      names.forEach(function (name) {
        var input = $('#node-config-input-' + name);
        fields[name] = input.is(':checkbox') ? input.is(':checked') : input.val();
      });
      return fields;
    };
  }

  /** The value of a credential input, or '' when it only shows that a secret is stored. */
  function secretValue(input) {
    var value = $(input).val() || '';
    return value === '__PWRD__' ? '' : value;
  }

  /** Asks the node's key route for a new secret in the scheme's format. */
  function generateSecret(type, scheme, done) {
    postJson(type + '/keys', { action: 'generate', scheme: scheme }).done(done).fail(function (xhr) {
      RED.notify('Could not generate a secret: ' + errorText(xhr), 'error');
    });
  }

  /**
   * The scheme picker of the signer and verify dialogs: the options are the core's schemes; rows with
   * the rows `<prefix>-row-header` / `<prefix>-row-encoding` show only for the schemes that use them.
   */
  function schemePicker(node, prefix, onChange) {
    var select = $('#node-input-scheme').empty();
    var headers = lists().schemeHeaders;
    lists().schemes.forEach(function (scheme) {
      var label = node._(prefix + '.scheme.' + scheme);
      $('<option>').val(scheme).text(label && label.indexOf('.scheme.') === -1 ? label : scheme).appendTo(select);
    });
    select.val(node.scheme || lists().schemes[0]);
    function sync() {
      var scheme = select.val();
      $('.' + prefix + '-row-header').toggle(Object.prototype.hasOwnProperty.call(headers, scheme));
      $('.' + prefix + '-row-encoding').toggle(scheme === 'hmac-sha256');
      $('#node-input-header').attr('placeholder', headers[scheme] || '');
      if (onChange) onChange(scheme);
    }
    select.on('change', sync);
    sync();
  }

  /**
   * Ticks for every core event type in `container`, under one "group" tick per group of the core's
   * event groups (lists().eventGroups: lifecycle, progress, printer state, printer information, test).
   * Group ticks carry `data-group="<key>"`, type ticks `data-event="<type>"` and `data-in-group="<key>"`.
   * `translate(key)` may give the label text for a key such as "bedCooled" or "groupLifecycle"; without a
   * translation the label comes from the type's name or the group's label.
   */
  function eventCheckboxes(container, selected, translate) {
    function text(key, fallback) {
      var found = translate ? translate(key) : '';
      return found && found.indexOf(key) === -1 ? found : fallback;
    }
    var box = $(container).empty();
    var groups = lists().eventGroups || [{ key: 'groupAll', label: 'all', types: lists().eventTypes }];
    groups.forEach(function (group) {
      box.append($('<div>').append(tick({ 'data-group': group.key }, $('<b>').text(text(group.key, group.label)))));
      var members = $('<div style="margin-left:18px">');
      group.types.forEach(function (type) {
        var name = type.slice(type.indexOf('.') + 1);
        var key = name.replace(/_(\w)/g, function (m, letter) { return letter.toUpperCase(); });
        members.append(tick({ 'data-event': type, 'data-in-group': group.key }, text(key, name.replace(/_/g, ' '))).find('input').prop('checked', selected.indexOf(type) !== -1).end());
      });
      box.append(members);
    });
  }

  function tick(attributes, label) {
    var input = $('<input type="checkbox" style="width:auto">').attr(attributes);
    return $('<label style="width:auto">').append(input, ' ', label);
  }

  /** One option per core event type in a select, `chosen` selected. */
  function eventTypeOptions(select, chosen) {
    var box = $(select).empty();
    lists().eventTypes.forEach(function (type) {
      $('<option>').val(type).text(type).appendTo(box);
    });
    box.val(chosen);
  }

  /** The option and credential rows a preset uses (class `<prefix>-row-<field>`); shows those, hides the rest. */
  function showPresetFields(prefix, preset) {
    var used = lists().presetFields[preset] || [];
    lists().presetFieldNames.forEach(function (field) {
      $('.' + prefix + '-row-' + field).toggle(used.indexOf(field) !== -1);
    });
    return used;
  }

  function retrySchedule() {
    return lists().retrySchedule.join(',');
  }

  function cell(value) {
    return $('<td>').text(value === undefined || value === null ? '' : String(value));
  }

  /**
   * The sender's delivery log: a summary line and one table row per attempt from `<base>/log`. Every
   * value goes in as text: a response body is never rendered as HTML.
   */
  function deliveryLog(base, summary, table) {
    return function load() {
      $.getJSON(base + '/log').done(function (log) {
        $(summary).text('queued ' + log.queued + ' · dead letters ' + log.dead + ' · in flight ' + log.inFlight);
        var body = $(table).find('tbody').empty();
        (log.attempts || []).forEach(function (a) {
          $('<tr>').append(cell(String(a.time).replace('T', ' ').replace('Z', '')), cell(a.webhookId), cell(a.eventType),
            cell(a.status !== undefined ? a.status : a.error), cell(a.durationMs + ' ms'), cell(a.verdict), cell(a.response))
            .appendTo(body);
        });
      }).fail(function () {
        $(summary).text('Deploy the node to see its delivery log.');
      });
    };
  }


  // ---- Dialog rows (docs/editor.md "Rows"): a template holds <div data-ph-rows="field[:kind[:arg]] ...">,
  // expanded once into Node-RED form rows before a dialog first opens, so the usual rows are written once.
  var ROW_ICONS = {
    name: 'tag', url: 'globe', host: 'globe', endpoint: 'globe', timezone: 'globe', apiKey: 'key', accessCode: 'key',
    token: 'key', scheme: 'key', secrets: 'lock', password: 'lock', tls: 'lock', username: 'user', recipient: 'user',
    user: 'user-secret', serial: 'barcode', offlineDelay: 'clock-o', timeout: 'clock-o', cooldown: 'clock-o',
    tolerance: 'clock-o', bedCooled: 'thermometer-quarter', server: 'server', printer: 'print', includeRaw: 'code',
    encoding: 'code', mode: 'code', snapshotUrl: 'camera', snapshot: 'camera', snapshotTimeout: 'camera',
    printerId: 'id-badge', identifier: 'id-card-o', fingerprint: 'thumb-tack', ca: 'certificate', concurrency: 'random',
    retrySchedule: 'repeat', jitter: 'arrows-h', header: 'header', method: 'exchange', allowOverride: 'exchange',
    tlsInsecure: 'unlock', allowSelfSigned: 'unlock', secretsInMsg: 'unlock-alt', link: 'link', headers: 'list-alt',
    contentType: 'file-text-o', body: 'pencil', missing: 'question', preset: 'list', progressStep: 'percent',
    respond401: 'ban', parseJson: 'code', test: 'plug', generate: 'random', publicKey: 'globe',
    generated: 'share', port: 'hashtag', overloadDelay: 'hourglass-half', ordered: 'sort-numeric-asc',
    snapshotOn: 'camera', maintenance: 'wrench',
    auth: 'key', tokenUrl: 'globe', clientId: 'id-badge', clientSecret: 'lock', scope: 'list', audience: 'users',
    clientAuth: 'key', httpsOnly: 'lock', cert: 'certificate', key: 'key', proxyMode: 'server', proxy: 'server',
    noProxy: 'ban', proxyUsername: 'user', proxyPassword: 'lock', destinations: 'shield', sendEvent: 'paper-plane'
  };

  function escapeAttr(value) {
    return String(value).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  }

  function i18n(key) {
    return ' data-i18n="' + escapeAttr(key) + '"';
  }

  /**
   * The HTML of one row. `field[:kind[:arg]]`; kinds: text (default), password, number (arg: unit),
   * check, select (arg: comma-separated values), area (arg: rows), button (id <type>-<field>), output (a
   * read-only text the dialog's script fills, id <type>-<field>), test (the Test-connection button and its result).
   * Optional catalog keys are used when `has(key)` says they exist: placeholder.<f>, tip.<f>, label.<f>Unit,
   * label.<f>Text (beside a checkbox), <f>.<value> (select options).
   */
  function rowHtml(type, inputPrefix, token, has) {
    var parts = token.split(':');
    var field = parts[0];
    var kind = parts[1] || (field === 'test' ? 'test' : 'text');
    var arg = parts.slice(2).join(':');
    var key = function (k) { return type + '.' + k; };
    var id = inputPrefix + field;
    var icon = '<i class="fa fa-' + (ROW_ICONS[field] || 'pencil') + '"></i> ';
    var html = '<div class="form-row ' + type + '-row-' + field + '">';
    if (kind === 'test' || kind === 'button') {
      var button = '<label></label><button type="button" class="red-ui-button" id="' + type + '-' + field + '">' + icon +
        '<span' + i18n(key('label.' + field)) + '></span></button>';
      if (kind === 'test') button += ' <span id="' + type + '-result" style="word-break:break-all"></span>';
      return html + button + '</div>';
    }
    if (kind === 'output') id = type + '-' + field;
    // a checkbox may leave the label column empty and say everything in label.<field>Text
    var labelled = kind !== 'check' || has(key('label.' + field));
    html += '<label for="' + id + '">' + icon + (labelled ? '<span' + i18n(key('label.' + field)) + '></span>' : '') + '</label>';
    var placeholder = has(key('placeholder.' + field)) ? i18n('[placeholder]' + key('placeholder.' + field)) : '';
    if (kind === 'select') {
      html += '<select id="' + id + '">' + (arg ? arg.split(',') : []).map(function (value) {
        var optionKey = key(field + '.' + value);
        return '<option value="' + escapeAttr(value) + '"' + (has(optionKey) ? i18n(optionKey) + '>' : '>' + escapeAttr(value)) + '</option>';
      }).join('') + '</select>';
    } else if (kind === 'area') {
      html += '<textarea id="' + id + '" rows="' + (Number(arg) || 3) + '" style="width:70%; font-family:monospace"' + placeholder + '></textarea>';
    } else if (kind === 'output') {
      html += '<input type="text" id="' + id + '" readonly style="width:70%; font-family:monospace"' + placeholder + '>';
    } else if (kind === 'check') {
      html += '<input type="checkbox" id="' + id + '" style="width:auto; vertical-align:top">';
      if (has(key('label.' + field + 'Text'))) html += ' <span' + i18n('[html]' + key('label.' + field + 'Text')) + '></span>';
    } else {
      var inputType = kind === 'password' ? 'password' : 'text';
      html += '<input type="' + inputType + '" id="' + id + '"' + (kind === 'number' ? ' style="width:80px"' : '') + placeholder + '>';
      if (kind === 'number' && has(key('label.' + field + 'Unit'))) html += ' <span' + i18n(key('label.' + field + 'Unit')) + '></span>';
      else if (kind === 'number' && arg) html += ' ' + escapeAttr(arg);
    }
    if (has(key('tip.' + field))) html += ' <span class="form-tips"' + i18n('[html]' + key('tip.' + field)) + '></span>';
    return html + '</div>';
  }

  /**
   * A template's text with every <div data-ph-rows="…"></div> replaced by its rows; with data-ph-group="<name>:<label>"
   * before data-ph-rows, the rows sit in a collapsed section, <details class="<type>-<name>"> titled label.<label>.
   */
  function expandTemplate(type, text, isConfig, has) {
    var inputPrefix = isConfig ? 'node-config-input-' : 'node-input-';
    return text.replace(/<div (?:data-ph-group="([^":]+):([^"]+)" )?data-ph-rows="([^"]*)"><\/div>/g, function (whole, group, label, spec) {
      var rows = spec.trim().split(/\s+/).map(function (token) { return rowHtml(type, inputPrefix, token, has); }).join('\n');
      if (!group) return rows;
      return '<details class="' + escapeAttr(type + '-' + group) + '" style="margin-bottom:12px"><summary' + i18n(type + '.label.' + label) + '></summary>\n' +
        rows + '\n</details>';
    });
  }

  /** Expands the rows of node type `type`'s dialog template in place (once; waits if the template is not in the page yet). */
  function expandRows(type, attempt) {
    var template = $('script[data-template-name="' + type + '"]');
    if (template.length === 0) {
      if ((attempt || 0) < 20) setTimeout(function () { expandRows(type, (attempt || 0) + 1); }, 50);
      return;
    }
    if (template.attr('data-ph-expanded')) return;
    var namespace = '@printhooks/node-red-printhooks/' + type + ':';
    var has = function (key) {
      var text = RED._(namespace + key);
      return typeof text === 'string' && text !== '' && text.indexOf(key) === -1;
    };
    var definition = RED.nodes.getType(type);
    template.text(expandTemplate(type, template.text(), definition && definition.category === 'config', has));
    template.attr('data-ph-expanded', 'true');
  }

  // Rows are expanded as soon as a printhooks type is registered, before any dialog can open (docs/editor.md).
  if (typeof RED !== 'undefined' && RED.events) {
    RED.events.on('registry:node-type-added', function (type) {
      if (typeof type === 'string' && type.indexOf('printhooks-') === 0) expandRows(type);
    });
  }

  window.PrintHooksEditor = {
    lists: lists,
    sourceLabel: sourceLabel,
    paletteLabel: paletteLabel,
    schemeLabel: schemeLabel,
    isHeaderName: isHeaderName,
    adminAction: adminAction,
    testConnection: testConnection,
    configFields: configFields,
    showTestResult: showTestResult,
    secretValue: secretValue,
    generateSecret: generateSecret,
    schemePicker: schemePicker,
    eventCheckboxes: eventCheckboxes,
    eventTypeOptions: eventTypeOptions,
    showPresetFields: showPresetFields,
    retrySchedule: retrySchedule,
    deliveryLog: deliveryLog,
    rowHtml: rowHtml,
    expandTemplate: expandTemplate,
    expandRows: expandRows
  };
})();
