/* The Assignments tab (shiplab): a JupyterLab 4 prebuilt extension written by hand, no bundler.
 *
 * JupyterLab loads a prebuilt extension as a module-federation container: it runs this script, then calls
 * window._JUPYTERLAB[name].init(shareScope) and .get('./extension'), and activates the plugins the module's
 * `default` export lists. The container below takes the few core packages it needs (@lumino/widgets,
 * @jupyterlab/services) from JupyterLab's own share scope, so it ships nothing of JupyterLab and needs no build.
 *
 * What the participant sees, per lab: fetch / open / submit, then "queued (n ahead)" -> "grading" -> "14/16" with
 * a "Feedback" link (a page of its own, in a new browser tab); a notification when a grade arrives; a sentence
 * when feedback is asked for before the grade. Statuses come from the server's shiplab/assignments/status (the
 * caller's own submissions only); fetch and submit are nbgrader's own server calls.
 */
var _JUPYTERLAB = _JUPYTERLAB || {};
(function () {
  'use strict';
  var NAME = '@shiplab/assignments';
  var shared = null;

  function newest(versions) {
    var keys = Object.keys(versions);
    keys.sort(function (a, b) {
      var x = a.split(/[.-]/).map(Number), y = b.split(/[.-]/).map(Number);
      for (var i = 0; i < Math.max(x.length, y.length); i++) {
        var d = (x[i] || 0) - (y[i] || 0);
        if (d) { return d; }
      }
      return 0;
    });
    return versions[keys[keys.length - 1]];
  }

  function take(pkg) {
    var versions = shared && shared[pkg];
    if (!versions) { return Promise.reject(new Error(NAME + ': JupyterLab shares no ' + pkg)); }
    return Promise.resolve(newest(versions).get()).then(function (factory) { return factory(); });
  }

  _JUPYTERLAB[NAME] = {
    init: function (scope) { shared = scope; },
    get: function (module) {
      if (module !== './extension') {
        return Promise.reject(new Error('Module "' + module + '" does not exist in container.'));
      }
      return Promise.all([take('@lumino/widgets'), take('@jupyterlab/services')]).then(function (mods) {
        var plugin = makePlugin(mods[0], mods[1]);
        return function () { return { __esModule: true, default: [plugin] }; };
      });
    }
  };

  var STYLE = [
    '.shiplab-assignments{padding:8px 10px;overflow:auto;font-size:var(--jp-ui-font-size1);',
    ' color:var(--jp-ui-font-color1);background:var(--jp-layout-color1)}',
    '.shiplab-assignments h2{font-size:var(--jp-ui-font-size2);margin:4px 0 8px}',
    '.shiplab-assignments .shiplab-note{color:var(--jp-ui-font-color2);margin:0 0 8px}',
    '.shiplab-lab{border:1px solid var(--jp-border-color2);border-radius:4px;padding:6px 8px;margin:0 0 8px}',
    '.shiplab-lab-head{display:flex;justify-content:space-between;align-items:center;gap:6px}',
    '.shiplab-lab-name{font-weight:600}',
    '.shiplab-state{margin:4px 0;font-variant-numeric:tabular-nums}',
    '.shiplab-state[data-state=graded]{color:var(--jp-success-color1);font-weight:600}',
    '.shiplab-state[data-state=failed],.shiplab-state[data-state=rejected]{color:var(--jp-error-color1)}',
    '.shiplab-state[data-state=queued],.shiplab-state[data-state=grading],.shiplab-state[data-state=sent]',
    '{color:var(--jp-warn-color1)}',
    '.shiplab-why{margin:4px 0;padding:4px 6px;border-left:3px solid var(--jp-warn-color1);',
    ' background:var(--jp-layout-color2)}',
    '.shiplab-lab button{margin:2px 4px 2px 0}',
    '.shiplab-lab a{color:var(--jp-content-link-color);cursor:pointer}',
    '.shiplab-nb{display:block;margin:2px 0}',
    '.shiplab-assignments-icon{background:no-repeat center/18px url("data:image/svg+xml;utf8,',
    '<svg xmlns=%27http://www.w3.org/2000/svg%27 viewBox=%270 0 24 24%27 fill=%27%23616161%27>',
    '<path d=%27M19 3h-4.2A3 3 0 0 0 12 1a3 3 0 0 0-2.8 2H5a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2V5a2',
    ' 2 0 0 0-2-2zm-7 0a1 1 0 1 1 0 2 1 1 0 0 1 0-2zm-2 14l-4-4 1.4-1.4L10 14.2l6.6-6.6L18 9l-8 8z%27/></svg>")}'
  ].join('');

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') { node.textContent = attrs[k]; } else if (k === 'onclick') { node.onclick = attrs[k]; }
      else { node.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { if (c) { node.appendChild(c); } });
    return node;
  }

  function scoreText(s) {
    function n(x) { return (Math.round(x * 100) / 100).toString(); }
    return s.score === null || s.score === undefined ? 'graded' : n(s.score) + '/' + n(s.max_score);
  }

  function stateText(s) {
    if (!s) { return ''; }
    if (s.state === 'queued') { return 'queued (' + (s.ahead || 0) + ' ahead)'; }
    if (s.state === 'grading') { return 'grading…'; }
    if (s.state === 'graded') { return scoreText(s); }
    if (s.state === 'sent') { return 'submitted — waiting for the grader'; }
    if (s.state === 'failed') { return 'could not be graded: ' + (s.reason || 'no reason given'); }
    if (s.state === 'rejected') { return 'not accepted: ' + (s.reason || 'no reason given'); }
    return s.state;
  }

  function makePlugin(widgets, services) {
    return {
      id: NAME + ':plugin',
      description: 'The Assignments tab: submissions from fetch to score, live.',
      autoStart: true,
      activate: function (app) {
        var settings = app.serviceManager.serverSettings;
        var base = settings.baseUrl.replace(/\/?$/, '/');
        var panel = new widgets.Widget();
        panel.id = 'shiplab-assignments';
        panel.addClass('shiplab-assignments');
        panel.title.caption = 'Assignments';
        panel.title.label = 'Assignments';
        panel.title.iconClass = 'shiplab-assignments-icon jp-SideBar-tabIcon';
        document.head.appendChild(el('style', { text: STYLE }));

        var state = { course: null, assignments: {}, status: {}, available: true, message: '', why: {},
                      sent: {}, error: '' };
        var timer = null;

        function call(path, init) {
          return services.ServerConnection.makeRequest(base + path, init || {}, settings).then(function (r) {
            if (!r.ok) { throw new Error(path + ' answered ' + r.status); }
            return r.json();
          });
        }

        function feedbackUrl(lab) { return base + 'shiplab/assignments/feedback/' + encodeURIComponent(lab); }

        function mergeAssignments(list) {
          var out = {};
          (list || []).forEach(function (a) {
            var entry = out[a.assignment_id] || (out[a.assignment_id] = { id: a.assignment_id, notebooks: [] });
            if (a.status === 'released') { entry.released = true; }
            if (a.status === 'fetched') { entry.fetched = true; entry.notebooks = a.notebooks || []; }
            if (a.status === 'submitted') { entry.submitted = true; }
          });
          return out;
        }

        function refreshList() {
          if (!state.course) { return Promise.resolve(); }
          return call('assignments?course_id=' + encodeURIComponent(state.course)).then(function (r) {
            if (r.success) { state.assignments = mergeAssignments(r.value); state.error = ''; }
            else { state.error = 'The assignment list could not be read: ' + String(r.value).slice(0, 300); }
            render();
          });
        }

        function notify(lab, s) {
          var message = lab + ' graded: ' + scoreText(s);
          app.commands.execute('apputils:notify', {
            message: message, type: 'success',
            options: { autoClose: false,
                       actions: [{ label: 'Open feedback', commandId: 'shiplab:open-feedback', args: { lab: lab } }] }
          }).catch(function () { /* an older JupyterLab without notifications: the tab shows it anyway */ });
        }

        function refreshStatus() {
          return call('shiplab/assignments/status').then(function (r) {
            var before = state.status;
            state.course = r.course;
            state.available = r.available;
            state.message = r.message || '';
            state.status = r.labs || {};
            Object.keys(state.status).forEach(function (lab) {
              var now = state.status[lab], was = before[lab];
              if (state.sent[lab] !== undefined && now.submitted_at !== state.sent[lab]) { delete state.sent[lab]; }
              var arrived = now.state === 'graded' &&
                (!was || was.state !== 'graded' || was.submitted_at !== now.submitted_at);
              if (arrived && state.loaded) { notify(lab, now); }
              if (now.state === 'graded') { delete state.why[lab]; }
            });
            state.loaded = true;
            render();
          }).catch(function (e) { state.available = false; state.message = String(e.message || e); render(); })
            .then(schedule);
        }

        function pending() {
          return Object.keys(state.sent).length > 0 || Object.keys(state.status).some(function (lab) {
            return state.status[lab].state === 'queued' || state.status[lab].state === 'grading';
          });
        }

        function schedule() {
          clearTimeout(timer);
          timer = setTimeout(refreshStatus, pending() ? 2000 : 15000);
        }

        function act(action, lab) {
          state.why[lab] = action === 'fetch' ? 'Fetching…' : 'Submitting…';
          render();
          var saved = action === 'submit' && app.commands.hasCommand('docmanager:save-all')
            ? app.commands.execute('docmanager:save-all').catch(function () {}) : Promise.resolve();
          return saved.then(function () {
            return call('assignments/' + action, { method: 'POST',
              body: JSON.stringify({ course_id: state.course, assignment_id: lab }) });
          }).then(function (r) {
            delete state.why[lab];
            if (r.success === false) { state.why[lab] = action + ' failed: ' + String(r.value).slice(-400); }
            else if (action === 'submit') {
              var prev = state.status[lab];
              state.sent[lab] = prev ? prev.submitted_at : null;
            }
            if (r.success && r.value) { state.assignments = mergeAssignments(r.value); }
            render();
            return action === 'submit' ? refreshStatus() : null;
          }).catch(function (e) { state.why[lab] = action + ' failed: ' + e.message; render(); });
        }

        function openFeedback(lab) {
          var s = state.status[lab];
          if (s && s.state === 'graded') { window.open(feedbackUrl(lab), '_blank'); return; }
          state.why[lab] = !s ? 'No feedback yet: ' + lab + ' has not been submitted.'
            : s.state === 'queued' ? 'No feedback yet: your submission is queued (' + (s.ahead || 0) +
              ' ahead of it). It is graded automatically; the score appears here without pressing anything.'
            : s.state === 'grading' ? 'No feedback yet: your submission is being graded right now.'
            : 'No feedback: ' + stateText(s) + '.';
          render();
        }

        app.commands.addCommand('shiplab:open-feedback', {
          label: 'Open feedback',
          execute: function (args) { window.open(feedbackUrl(args.lab), '_blank'); }
        });
        app.commands.addCommand('shiplab:open-assignments', {
          label: 'Assignments',
          execute: function () { app.shell.activateById(panel.id); }
        });

        function labRow(lab) {
          var a = state.assignments[lab] || { id: lab, notebooks: [] };
          var s = state.sent[lab] !== undefined ? { state: 'sent' } : state.status[lab];
          var buttons = [];
          if (!a.fetched && a.released) {
            buttons.push(el('button', { 'class': 'jp-mod-styled jp-mod-accept', text: 'Fetch',
                                        onclick: function () { act('fetch', lab); } }));
          }
          if (a.fetched) {
            buttons.push(el('button', { 'class': 'jp-mod-styled jp-mod-accept', 'data-action': 'submit',
                                        text: 'Submit', onclick: function () { act('submit', lab); } }));
          }
          if (state.status[lab]) {
            buttons.push(el('button', { 'class': 'jp-mod-styled', 'data-action': 'feedback', text: 'Feedback',
                                        onclick: function () { openFeedback(lab); } }));
          }
          var notebooks = (a.notebooks || []).map(function (nb) {
            return el('a', { 'class': 'shiplab-nb', text: nb.notebook_id + '.ipynb',
                             onclick: function () { app.commands.execute('docmanager:open', { path: nb.path }); } });
          });
          var stateNode = s ? el('div', { 'class': 'shiplab-state', 'data-state': s.state, text: stateText(s) })
            : el('div', { 'class': 'shiplab-state', text: a.fetched ? 'not submitted yet' : 'not fetched yet' });
          if (s && s.state === 'graded') {
            stateNode.appendChild(document.createTextNode(' · '));
            stateNode.appendChild(el('a', { 'class': 'shiplab-feedback-link', href: feedbackUrl(lab),
                                            target: '_blank', rel: 'noopener', text: 'view feedback' }));
          }
          return el('div', { 'class': 'shiplab-lab', 'data-lab': lab }, [
            el('div', { 'class': 'shiplab-lab-head' }, [el('span', { 'class': 'shiplab-lab-name', text: lab })]),
            stateNode,
            state.why[lab] ? el('div', { 'class': 'shiplab-why', text: state.why[lab] }) : null,
            el('div', {}, notebooks),
            el('div', {}, buttons)
          ]);
        }

        function render() {
          var labs = Object.keys(state.assignments);
          Object.keys(state.status).forEach(function (lab) { if (labs.indexOf(lab) < 0) { labs.push(lab); } });
          labs.sort();
          var body = [el('h2', { text: 'Assignments' + (state.course ? ' — ' + state.course : '') })];
          body.push(el('p', { 'class': 'shiplab-note', text: 'Submit a lab and its grade appears here by itself ' +
                                 '(queued → grading → score); Feedback opens the graded notebook.' }));
          if (!state.available && state.message) { body.push(el('p', { 'class': 'shiplab-why', text: state.message })); }
          if (state.error) { body.push(el('p', { 'class': 'shiplab-why', text: state.error })); }
          if (!labs.length) { body.push(el('p', { text: state.course ? 'No lab has been released yet.' : 'Loading…' })); }
          labs.forEach(function (lab) { body.push(labRow(lab)); });
          panel.node.replaceChildren.apply(panel.node, body);
        }

        // `dd` (or Cut) on a cell the lab locked does nothing in JupyterLab, silently: say why. The locked cells
        // selected when the key went down are remembered, and named if they are still there after the command.
        var lockedAtKey = [];
        function lockedSelection() {
          var nb = app.shell.currentWidget && app.shell.currentWidget.content;
          if (!nb || !nb.widgets || typeof nb.isSelectedOrActive !== 'function') { return []; }
          return nb.widgets.filter(function (cell) {
            return nb.isSelectedOrActive(cell) && cell.model.getMetadata('deletable') === false;
          }).map(function (cell) { return cell.model; });
        }
        var lastKey = { key: '', at: 0 };
        function sayLocked(kept) {
          app.commands.execute('apputils:notify', {
            message: (kept.length === 1 ? 'This cell is' : kept.length + ' of the selected cells are') +
              ' locked by the lab (instructions, set-up or tests the grader relies on), so ' +
              (kept.length === 1 ? 'it was' : 'they were') + ' not deleted. Your own cells can be deleted.',
            type: 'warning', options: { autoClose: 8000 }
          }).catch(function () {});
        }
        window.addEventListener('keydown', function (event) {
          lockedAtKey = lockedSelection();
          var inCommandMode = event.target && event.target.closest &&
            event.target.closest('.jp-Notebook.jp-mod-commandMode');
          var now = Date.now(), twice = event.key === 'd' && lastKey.key === 'd' && now - lastKey.at < 1000;
          lastKey = { key: event.key, at: now };
          // JupyterLab disables Delete/Cut when every selected cell is locked: the key binding then does nothing
          if (inCommandMode && lockedAtKey.length && (twice || event.key === 'x') &&
              !app.commands.isEnabled(event.key === 'x' ? 'notebook:cut-cell' : 'notebook:delete-cell')) {
            sayLocked(lockedAtKey);
          }
        }, true);
        window.addEventListener('mousedown', function () { lockedAtKey = lockedSelection(); }, true);
        app.commands.commandExecuted.connect(function (_, args) {  // a mixed selection: the locked ones stay
          if (args.id !== 'notebook:delete-cell' && args.id !== 'notebook:cut-cell') { return; }
          var nb = app.shell.currentWidget && app.shell.currentWidget.content;
          if (!nb || !nb.widgets) { return; }
          var kept = lockedAtKey.filter(function (m) {
            return nb.widgets.some(function (cell) { return cell.model === m; });
          });
          if (kept.length) { sayLocked(kept); }
        });

        render();
        app.shell.add(panel, 'left', { rank: 50 });
        var seenKey = 'shiplab:assignments-seen:' + base;
        app.restored.then(function () {
          if (!window.localStorage.getItem(seenKey)) {  // the first visit opens with the assignments in view
            app.shell.activateById(panel.id);
            window.localStorage.setItem(seenKey, '1');
          }
        });
        refreshStatus().then(refreshList);
        setInterval(refreshList, 60000);
      }
    };
  }
})();
