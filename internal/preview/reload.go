package preview

// reloadJS is the live-reload client that the preview adds to every page. It
// listens for events, reloads on "reload" keeping the scroll position, and
// shows build errors in an overlay written with textContent, so no error text
// can become markup.
const reloadJS = `(function () {
  'use strict';
  var key = 'brief-scroll:' + location.pathname;
  try {
    var saved = sessionStorage.getItem(key);
    if (saved !== null) {
      sessionStorage.removeItem(key);
      window.addEventListener('load', function () { window.scrollTo(0, Number(saved) || 0); });
    }
  } catch (e) {}

  var overlay = null;
  function show(errors) {
    if (!errors || !errors.length) {
      if (overlay) { overlay.remove(); overlay = null; }
      return;
    }
    if (!overlay) {
      overlay = document.createElement('div');
      overlay.id = 'brief-errors';
      overlay.setAttribute('role', 'alert');
      overlay.style.cssText = 'position:fixed;inset:0;z-index:2147483647;background:rgba(20,20,24,.92);' +
        'color:#fff;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;padding:2rem;overflow:auto';
      document.body.appendChild(overlay);
    }
    overlay.textContent = '';
    var h = document.createElement('h2');
    h.textContent = 'brief: the last save did not build (' + errors.length + (errors.length === 1 ? ' error' : ' errors') +
      '). The page below is the last good build.';
    h.style.cssText = 'font:600 18px system-ui,sans-serif;margin:0 0 1rem;color:#ff9b8f';
    overlay.appendChild(h);
    var list = document.createElement('ol');
    list.style.cssText = 'margin:0;padding-left:1.5rem';
    errors.forEach(function (msg) {
      var li = document.createElement('li');
      li.textContent = msg;
      li.style.cssText = 'margin:.35rem 0;white-space:pre-wrap';
      list.appendChild(li);
    });
    overlay.appendChild(list);
  }

  var source = new EventSource('` + Prefix + `events');
  source.addEventListener('errors', function (e) { show(JSON.parse(e.data)); });
  source.addEventListener('reload', function () {
    try { sessionStorage.setItem(key, String(window.scrollY)); } catch (e) {}
    location.reload();
  });
})();
`
