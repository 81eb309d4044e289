/* brief: the search box in every page's header. The index is a set of scripts
 * under search/ that register themselves (briefSearch), loaded by <script>
 * elements so that search works from file:// (where fetch() is refused) and
 * from any sub-path. search/index.js names the parts: per group (the
 * companies and topics, then a year of briefings) a part of its terms (a
 * part per first character in a large group), and fragments holding the
 * pages' texts for the snippets.
 * Folding, splitting, stemming and ranking are those of brief's Go package
 * internal/search (Fold, Words, Stem, Search): keep them the same. Results
 * are built as DOM nodes: no text from the index is parsed as HTML. */
(function () {
  'use strict';
  var box = document.querySelector('.search[data-root]');
  if (!box) { return; }
  var root = box.getAttribute('data-root');
  var form = box.querySelector('.search-box');
  var input = box.querySelector('input');
  var list = box.querySelector('[role=listbox]');
  var status = box.querySelector('[role=status]');
  if (!form || !input || !list || !status) { return; }
  var MAX = 10;

  var store = {};
  var loading = {};
  window.briefSearch = function (name, data) { store[name] = data; };
  function load(name) {
    if (!loading[name]) {
      loading[name] = new Promise(function (resolve, reject) {
        var s = document.createElement('script');
        s.src = root + 'search/' + name + '.js';
        s.async = true;
        s.onload = function () {
          s.remove();
          if (name in store) { resolve(store[name]); } else { reject(new Error('search: ' + s.src + ' did not register')); }
        };
        s.onerror = function () { s.remove(); delete loading[name]; reject(new Error('search: cannot load ' + s.src)); };
        document.head.appendChild(s);
      });
    }
    return loading[name];
  }

  // Folding, words and stems: as internal/search/text.go.
  var special = { 'ß': 'ss', 'æ': 'ae', 'œ': 'oe', 'ø': 'o', 'đ': 'd', 'ł': 'l', 'þ': 'th', 'ı': 'i', '’': "'", '‘': "'" };
  function fold(s) {
    return s.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '').replace(/[ßæœøđłþı’‘]/g, function (c) { return special[c]; });
  }
  var WORD = /[\p{L}\p{N}]/u, LETTER = /\p{L}/u, DIGIT = /\p{Nd}/u;
  function words(folded) {
    var rs = Array.from(folded), out = [], i = 0;
    while (i < rs.length) {
      if (!WORD.test(rs[i])) { i++; continue; }
      var j = i + 1;
      for (;;) {
        if (j < rs.length && WORD.test(rs[j])) { j++; continue; }
        if (j + 1 < rs.length && rs[j] === "'" && LETTER.test(rs[j + 1])) { j++; continue; }
        if (j + 1 < rs.length && (rs[j] === '.' || rs[j] === ',') && DIGIT.test(rs[j - 1]) && DIGIT.test(rs[j + 1])) { j++; continue; }
        if (j < rs.length && rs[j] === "'" && rs[j - 1] === 's') { j++; }
        break;
      }
      out.push(rs.slice(i, j).join(''));
      i = j;
    }
    return out;
  }
  function possessive(w) {
    if (w.endsWith("'s")) { w = w.slice(0, -2); }
    if (w.endsWith("'")) { w = w.slice(0, -1); }
    return w.replace(/,/g, '');
  }
  function stem(w) {
    var n = w.length;
    if (n < 4 || !/^[\x00-\x7f]*[a-z]s$/.test(w)) { return w; }
    if (n > 4 && w.endsWith('ies')) { return w.slice(0, -3) + 'y'; }
    if (/(sses|ches|shes|xes)$/.test(w)) { return w.slice(0, -2); }
    if (/(ss|us|is)$/.test(w)) { return w; }
    return w.slice(0, -1);
  }
  function term(w) { return stem(possessive(w)); }
  function bucketOf(t) { return /^[a-z0-9]/.test(t) ? t[0] : '_'; }

  // A query's words; the last is a prefix while it is being typed.
  function parse(q) {
    var ws = words(fold(q));
    var out = ws.map(function (w) { return { term: term(w), prefixes: null }; });
    var chars = Array.from(q);
    if (out.length && /[\p{L}\p{N}'’]/u.test(chars[chars.length - 1])) {
      out[out.length - 1].prefixes = [possessive(ws[ws.length - 1]), out[out.length - 1].term];
    }
    return out;
  }
  function value(q, t, w) {
    if (t === q.term) { return 2 * w; }
    if (q.prefixes) {
      for (var i = 0; i < q.prefixes.length; i++) {
        if (q.prefixes[i] && t.startsWith(q.prefixes[i])) { return w; }
      }
    }
    return 0;
  }
  function tierOf(w) {
    var f = Math.floor(w / 4);
    return f === 8 ? 3 : (f === 6 || f === 7) ? 2 : 1;
  }

  // Ranking: as Search in internal/search/query.go.
  function rank(qs, entry, parts) {
    var hits = [];
    entry.groups.forEach(function (g, gi) {
      var found = new Map(), best = new Map();
      qs.forEach(function (q, i) {
        var part = parts[gi][bucketOf(q.term)] || {};
        Object.keys(part).forEach(function (t) {
          if (!value(q, t, 4)) { return; }
          var ps = part[t], doc = 0;
          for (var k = 0; k < ps.length; k += 3) {
            doc += ps[k];
            var unit = ps[k + 1], w = ps[k + 2], v = value(q, t, w);
            var units = found.get(doc);
            if (!units) { units = new Map(); found.set(doc, units); best.set(doc, qs.map(function () { return 0; })); }
            var vals = units.get(unit);
            if (!vals) { vals = qs.map(function () { return 0; }); units.set(unit, vals); }
            vals[i] = Math.max(vals[i], v);
            if (v > 0) { best.get(doc)[i] = Math.max(best.get(doc)[i], w); }
          }
        });
      });
      found.forEach(function (units, doc) {
        var h = { group: gi, doc: doc, unit: -1, tier: 3, score: 0 };
        var top = qs.map(function () { return 0; }), bestSum = -1;
        Array.from(units.keys()).sort(function (a, b) { return a - b; }).forEach(function (u) {
          var sum = 0;
          units.get(u).forEach(function (v, i) { top[i] = Math.max(top[i], v); sum += v; });
          if (sum > bestSum) { h.unit = u; bestSum = sum; }
        });
        for (var i = 0; i < qs.length; i++) {
          if (!top[i]) { return; }
          h.score += top[i];
          h.tier = Math.min(h.tier, tierOf(best.get(doc)[i]));
        }
        hits.push(h);
      });
    });
    hits.sort(function (a, b) {
      if (a.tier !== b.tier) { return b.tier - a.tier; }
      if (a.tier === 3 && a.score !== b.score) { return b.score - a.score; }
      if (a.group !== b.group) { return a.group - b.group; }
      if (a.doc !== b.doc) { return b.doc - a.doc; }
      return b.score - a.score;
    });
    return hits;
  }

  var entryPromise = null;
  function entry() {
    if (!entryPromise) {
      entryPromise = load('index').catch(function (e) { entryPromise = null; throw e; });
    }
    return entryPromise;
  }

  // find returns the matching pages, best first: {hits, docs} with the
  // documents of the first MAX hits.
  function find(q) {
    var qs = parse(q);
    if (!qs.length) { return Promise.resolve({ hits: [], docs: [], qs: qs }); }
    return entry().then(function (e) {
      var wanted = {};
      qs.forEach(function (x) { wanted[bucketOf(x.term)] = true; });
      return Promise.all(e.groups.map(function (g) {
        return Promise.all(Object.keys(wanted).map(function (b) { return load(g.k ? g.b + '-' + b : g.b); })).then(function (ps) {
          var byBucket = {};
          Object.keys(wanted).forEach(function (b, i) { byBucket[b] = ps[i]; });
          return byBucket;
        });
      })).then(function (parts) {
        var hits = rank(qs, e, parts);
        return Promise.all(hits.slice(0, MAX).map(function (h) {
          var g = e.groups[h.group];
          return load(g.f[Math.floor(h.doc / g.p)]).then(function (frag) { return frag[h.doc % g.p]; });
        })).then(function (docs) { return { hits: hits, docs: docs, qs: qs }; });
      });
    });
  }

  var MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  function longDate(iso) {
    var p = iso.split('-');
    return +p[2] + ' ' + MONTHS[+p[1] - 1] + ' ' + p[0];
  }

  // snippet appends text to el, cut to about 160 characters where the most
  // of the query's words are (the first such place), every match marked.
  var TOKEN = /[\p{L}\p{N}\p{M}]+(?:['’.,][\p{L}\p{N}\p{M}]+)*['’]?/gu;
  var WIDTH = 160;
  function matching(qs, token) {
    var ws = words(fold(token));
    for (var i = 0; i < qs.length; i++) {
      for (var j = 0; j < ws.length; j++) {
        if (value(qs[i], term(ws[j]), 1) > 0) { return i; }
      }
    }
    return -1;
  }
  function snippet(el, text, qs) {
    var marks = [], m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(text))) {
      var q = matching(qs, m[0]);
      if (q >= 0) { marks.push({ from: m.index, to: m.index + m[0].length, q: q }); }
    }
    var from = 0, to = text.length;
    if (text.length > WIDTH) {
      var at = 0, best = -1;
      marks.forEach(function (a) {
        var seen = {};
        marks.forEach(function (b) { if (b.from >= a.from && b.to <= a.from + WIDTH - 50) { seen[b.q] = true; } });
        var n = Object.keys(seen).length;
        if (n > best) { best = n; at = a.from; }
      });
      from = Math.max(0, at - 50);
      if (from > 0) { var sp = text.indexOf(' ', from); from = sp >= 0 && sp < at ? sp + 1 : from; }
      to = Math.min(text.length, from + WIDTH);
      if (to < text.length) { var end = text.lastIndexOf(' ', to); to = end > at ? end : to; }
    }
    if (from > 0) { el.appendChild(document.createTextNode('… ')); }
    var pos = from;
    marks.forEach(function (r) {
      if (r.from < pos || r.to > to) { return; }
      el.appendChild(document.createTextNode(text.slice(pos, r.from)));
      var mark = document.createElement('mark');
      mark.textContent = text.slice(r.from, r.to);
      el.appendChild(mark);
      pos = r.to;
    });
    el.appendChild(document.createTextNode(text.slice(pos, to) + (to < text.length ? ' …' : '')));
  }

  var active = -1, seq = 0;
  function options() { return list.querySelectorAll('[role=option]'); }
  function setActive(i) {
    var opts = options();
    active = i;
    opts.forEach(function (o, j) { o.setAttribute('aria-selected', j === i ? 'true' : 'false'); });
    if (i >= 0 && opts[i]) {
      input.setAttribute('aria-activedescendant', opts[i].id);
      opts[i].scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  }
  function open(yes) {
    list.hidden = !yes;
    input.setAttribute('aria-expanded', yes ? 'true' : 'false');
    if (!yes) { setActive(-1); }
  }

  function show(q, res) {
    list.textContent = '';
    res.docs.forEach(function (d, i) {
      var h = res.hits[i], unit = d.s[h.unit] || ['', '', ''];
      var li = document.createElement('li');
      li.id = 'search-option-' + i;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      var a = document.createElement('a');
      a.href = root + d.u + (unit[0] ? '#' + unit[0] : '');
      a.tabIndex = -1;
      var title = document.createElement('span');
      title.className = 'search-title';
      title.textContent = d.t;
      var meta = document.createElement('span');
      meta.className = 'search-meta';
      var kind = d.k === 'c' ? 'Company' : d.k === 't' ? 'Topic' : longDate(d.d);
      meta.textContent = kind + (unit[1] ? ' · ' + unit[1] : '');
      a.appendChild(title);
      a.appendChild(meta);
      if (unit[2]) {
        var snip = document.createElement('span');
        snip.className = 'search-snippet';
        snippet(snip, unit[2], res.qs);
        a.appendChild(snip);
      }
      li.appendChild(a);
      list.appendChild(li);
    });
    var n = res.hits.length;
    if (n > MAX) {
      var more = document.createElement('li');
      more.className = 'search-more';
      more.setAttribute('role', 'presentation');
      more.textContent = 'The first ' + MAX + ' of ' + n + ' results';
      list.appendChild(more);
    }
    if (!n) {
      var none = document.createElement('li');
      none.className = 'search-more';
      none.setAttribute('role', 'presentation');
      none.textContent = 'Nothing found for “' + q.trim() + '”';
      list.appendChild(none);
    }
    status.textContent = n === 0 ? 'No results' : n === 1 ? '1 result' : n + ' results';
    list.setAttribute('data-query', q);
    open(true);
    setActive(-1);
  }

  function run() {
    var q = input.value, my = ++seq;
    if (!q.trim()) { list.textContent = ''; status.textContent = ''; open(false); return; }
    find(q).then(function (res) {
      if (my === seq) { show(q, res); }
    }, function (err) {
      if (my === seq) { status.textContent = 'Search is not available'; }
      if (window.console) { console.warn(err.message); }
    });
  }

  input.addEventListener('input', run);
  input.addEventListener('focus', function () {
    entry().catch(function () {});
    if (input.value.trim() && list.childNodes.length) { open(true); }
  });
  input.addEventListener('keydown', function (ev) {
    var n = options().length;
    if (ev.key === 'ArrowDown' && n) {
      ev.preventDefault();
      open(true);
      setActive(active + 1 >= n ? 0 : active + 1);
    } else if (ev.key === 'ArrowUp' && n) {
      ev.preventDefault();
      setActive(active <= 0 ? n - 1 : active - 1);
    } else if (ev.key === 'Enter') {
      var opt = options()[active >= 0 ? active : 0];
      if (opt && !list.hidden) {
        ev.preventDefault();
        open(false);
        window.location.href = opt.querySelector('a').href;
      }
    } else if (ev.key === 'Escape') {
      if (!list.hidden) { open(false); } else { input.value = ''; run(); }
    }
  });
  input.addEventListener('blur', function () { open(false); });
  // A press in the list (a result, its scroll bar) keeps the focus in the
  // box, so that the list stays open until the click; a click on a result
  // closes it, as the page may only scroll to a heading.
  list.addEventListener('mousedown', function (ev) { ev.preventDefault(); });
  list.addEventListener('click', function () { open(false); });
  document.addEventListener('keydown', function (ev) {
    if (ev.key !== '/' || ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    var t = ev.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) { return; }
    ev.preventDefault();
    input.focus();
    input.select();
  });

  var link = box.querySelector('.search-link');
  if (link) { link.hidden = true; }
  form.hidden = false;
}());
