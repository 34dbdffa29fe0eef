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
  var SCHEME_LABELS = {
    'standard-webhooks': 'Standard Webhooks v1 (HMAC, whsec_)',
    'standard-webhooks-ed25519': 'Standard Webhooks v1a (Ed25519, whsk_ / whpk_)',
    github: 'GitHub (X-Hub-Signature-256)',
    stripe: 'Stripe (Stripe-Signature)',
    'hmac-sha256': 'HMAC-SHA256 of the body in a header',
    token: 'Static token in a header',
    slack: 'Slack request signing (v0)'
  };
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
   * The label function of a source node: its name, else "<kind>: <config node label>". Definitions stay
   * literal RED.nodes.registerType calls (docs/editor.md), so only such functions come from here.
   */
  function sourceLabel(configProperty, kind) {
    return function () {
      var config = RED.nodes.node(this[configProperty]);
      return this.name || (config ? kind + ': ' + RED.utils.getNodeLabel(config) : kind);
    };
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
    TEST_DETAILS.forEach(function (detail) {
      var value = result[detail[0]];
      if (typeof value === 'string' && value !== '') text += ' · ' + detail[1] + ' ' + value;
    });
    out.text(text).css('color', result.ok ? OK_COLOR : ERROR_COLOR);
  }

  /**
   * The Test-connection button of a config node: posts the node id and the dialog's current fields,
   * then shows the answer in `result`. Only the answer to the latest click is shown.
   */
  function testConnection(node, options) {
    var latest = 0;
    $(options.button).on('click', function (e) {
      e.preventDefault();
      var out = $(options.result);
      var attempt = ++latest;
      out.text('Testing…').css('color', '');
      postJson(options.url, $.extend({ id: node.id }, options.fields())).done(function (result) {
        if (attempt === latest) showTestResult(out, result);
      }).fail(function (xhr) {
        if (attempt === latest) out.text('Problem: the editor could not run the test (' + errorText(xhr) + ')').css('color', ERROR_COLOR);
      });
    });
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
   * the class `<prefix>-header-row` / `<prefix>-encoding-row` show only for the schemes that use them.
   */
  function schemePicker(node, prefix, onChange) {
    var select = $('#node-input-scheme').empty();
    var headers = lists().schemeHeaders;
    lists().schemes.forEach(function (scheme) {
      $('<option>').val(scheme).text(SCHEME_LABELS[scheme] || scheme).appendTo(select);
    });
    select.val(node.scheme || lists().schemes[0]);
    function sync() {
      var scheme = select.val();
      $('.' + prefix + '-header-row').toggle(Object.prototype.hasOwnProperty.call(headers, scheme));
      $('.' + prefix + '-encoding-row').toggle(scheme === 'hmac-sha256');
      $('#node-input-header').attr('placeholder', headers[scheme] || '');
      if (onChange) onChange(scheme);
    }
    select.on('change', sync);
    sync();
  }

  /**
   * Ticks for every core event type, grouped by prefix ("print.", "printer.") under an "all" tick, in
   * `container`. `translate(key)` may give the label text for a key such as "bedCooled" or "allPrint";
   * without a translation the label comes from the type's name.
   */
  function eventCheckboxes(container, selected, translate) {
    function text(key, fallback) {
      var found = translate ? translate(key) : '';
      return found && found.indexOf(key) === -1 ? found : fallback;
    }
    var box = $(container).empty();
    var groups = {};
    lists().eventTypes.forEach(function (type) {
      var dot = type.indexOf('.');
      var prefix = dot > 0 ? type.slice(0, dot + 1) : '';
      var name = type.slice(prefix.length);
      if (!groups[prefix]) {
        // a type without a prefix ("test") sits at the top level, not indented
        groups[prefix] = prefix ? $('<div style="margin-left:18px">') : $('<div>');
        if (prefix) box.append($('<div>').append(tick({ 'data-group': prefix }, $('<b>').text(text('all' + capitalised(prefix.slice(0, -1)), 'all ' + prefix + '*')))));
        box.append(groups[prefix]);
      }
      var key = name.replace(/_(\w)/g, function (m, letter) { return letter.toUpperCase(); });
      groups[prefix].append(tick({ 'data-event': type }, text(key, name.replace(/_/g, ' '))).find('input').prop('checked', selected.indexOf(type) !== -1).end());
    });
  }

  function capitalised(word) {
    return word.charAt(0).toUpperCase() + word.slice(1);
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

  /** The option and credential rows a preset uses (class `<prefix>-opt-<field>`); shows those, hides the rest. */
  function showPresetFields(prefix, preset) {
    var used = lists().presetFields[preset] || [];
    lists().presetFieldNames.forEach(function (field) {
      $('.' + prefix + '-opt-' + field).toggle(used.indexOf(field) !== -1);
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

  window.PrintHooksEditor = {
    lists: lists,
    sourceLabel: sourceLabel,
    schemeLabel: schemeLabel,
    isHeaderName: isHeaderName,
    adminAction: adminAction,
    testConnection: testConnection,
    showTestResult: showTestResult,
    secretValue: secretValue,
    generateSecret: generateSecret,
    schemePicker: schemePicker,
    eventCheckboxes: eventCheckboxes,
    eventTypeOptions: eventTypeOptions,
    showPresetFields: showPresetFields,
    retrySchedule: retrySchedule,
    deliveryLog: deliveryLog
  };
})();
