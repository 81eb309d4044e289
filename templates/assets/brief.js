/* brief: draws every chart on the page from the JSON option beside it.
 * The option is data (a <script type="application/json"> element), never code;
 * every name this script puts into tooltip HTML is escaped. */
(function () {
  'use strict';
  var echarts = window.echarts;
  if (!echarts) { return; }
  var encode = echarts.format.encodeHTML;
  var darkQuery = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;

  function group(x, digits) {
    return Number(x).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  }
  function plain(x) {
    return Number(x).toLocaleString('en-US', { maximumFractionDigits: 10 });
  }
  function money(x, digits) {
    var s = group(Math.abs(x), digits);
    return (x < 0 ? '-$' : '$') + s;
  }
  function compact(x) {
    var a = Math.abs(x), units = [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'K']];
    for (var i = 0; i < units.length; i++) {
      if (Math.round(a / units[i][0] * 10) / 10 >= 1) {
        return (x < 0 ? '-$' : '$') + (a / units[i][0]).toFixed(1) + units[i][1];
      }
    }
    return money(x, 2);
  }
  /* format mirrors the Go formats (internal/dataset/format.go) for axis ticks. */
  function format(kind, x) {
    if (typeof x !== 'number' || !isFinite(x)) { return String(x); }
    switch (kind) {
      case 'integer': return group(Math.round(x), 0);
      case 'usd': return Math.abs(x) >= 1000 ? money(Math.round(x), 0) : money(x, 2);
      case 'usd_compact': return compact(x);
      case 'percent':
        var s = x.toFixed(1);
        if (s === '-0.0') { s = '0.0'; }
        return (x > 0 && s !== '0.0' ? '+' : '') + s + '%';
      default: return plain(Number(x.toPrecision(12)));
    }
  }

  function tooltip(meta) {
    return function (params) {
      var list = Array.isArray(params) ? params : [params];
      if (!list.length) { return ''; }
      var first = list[0];
      if (first.componentType === 'markLine') { return encode(first.name || ''); }
      var s0 = meta.series[first.seriesIndex];
      var html = '<strong>' + encode(s0 ? s0.xTexts[first.dataIndex] : '') + '</strong>';
      list.forEach(function (p) {
        var s = meta.series[p.seriesIndex];
        if (!s || p.componentType !== 'series') { return; }
        html += '<br>' + p.marker + encode(s.name) + ': <strong>' + encode(s.texts[p.dataIndex] || '–') + '</strong>';
      });
      var extra = s0 && s0.extra && s0.extra[first.dataIndex];
      (extra || []).forEach(function (e) {
        html += '<br><span style="opacity:.75">' + encode(e[0]) + ':</span> ' + encode(e[1]);
      });
      return html;
    };
  }

  function prepare(el) {
    var source = document.getElementById(el.getAttribute('data-option'));
    if (!source) { return null; }
    var payload = JSON.parse(source.textContent);
    var option = payload.option, meta = payload.meta;
    option.tooltip = option.tooltip || {};
    option.tooltip.confine = true;
    option.tooltip.formatter = tooltip(meta);
    [].concat(option.yAxis || []).forEach(function (axis) {
      axis.axisLabel = axis.axisLabel || {};
      axis.axisLabel.formatter = function (v) { return format(meta.yFormat, v); };
    });
    var n = meta.series.length ? meta.series[0].texts.length : 0;
    if (meta.xType === 'category' && n > 0 && n <= 24) {
      [].concat(option.xAxis || []).forEach(function (axis) {
        axis.axisLabel = axis.axisLabel || {};
        axis.axisLabel.width = Math.max(48, el.clientWidth / n - 16);
        axis.axisLabel.overflow = 'break';
      });
    }
    if (meta.xType === 'value') {
      [].concat(option.xAxis || []).forEach(function (axis) {
        axis.axisLabel = axis.axisLabel || {};
        axis.axisLabel.formatter = function (v) { return format(meta.xFormat, v); };
      });
    }
    // On a narrow screen a long title would run off the canvas: the page's
    // own caption (which wraps) shows it instead, and the plot moves up.
    var title = [].concat(option.title || [])[0];
    if (el.clientWidth < 560 && title) {
      var room = title.subtext ? 64 : 44; // what the title and subtitle took
      title.show = false;
      [].concat(option.grid || []).forEach(function (g) { g.top = String(Math.max(16, Number(g.top) - room + 16)); });
      var fig = el.closest('figure');
      if (fig) { fig.classList.add('narrow'); }
    }
    (option.series || []).forEach(function (series, i) {
      if (meta.labels && series.label && series.label.show) {
        series.label.formatter = function (p) { return meta.series[i].texts[p.dataIndex] || ''; };
      }
    });
    return { el: el, option: option, chart: null, file: meta.fileName || 'chart' };
  }

  /* A "Save as PNG" button under each chart: the chart's own image, on the
   * page's background, twice the screen's resolution. */
  function addSave(c) {
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'chart-save';
    button.textContent = 'Save as PNG';
    button.addEventListener('click', function () {
      var a = document.createElement('a');
      a.href = c.chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: getComputedStyle(document.body).backgroundColor });
      a.download = c.file + '.png';
      document.body.appendChild(a);
      a.click();
      a.remove();
    });
    c.el.insertAdjacentElement('afterend', button);
  }

  var live = [];
  function draw(c) {
    if (c.chart) { c.chart.dispose(); }
    c.chart = echarts.init(c.el, darkQuery && darkQuery.matches ? 'dark' : null, { renderer: 'canvas' });
    c.chart.setOption(c.option);
  }

  var nodes = document.querySelectorAll('.chart[data-option]');
  for (var i = 0; i < nodes.length; i++) {
    var figure = nodes[i].closest('figure');
    // Show the chart element first, so that it has a size to draw into.
    if (figure) { figure.classList.add('is-live'); }
    var c = null;
    try {
      c = prepare(nodes[i]);
      if (c) { draw(c); }
    } catch (err) {
      c = null;
      if (window.console) { console.warn('brief: chart ' + nodes[i].id + ' could not be drawn:', err); }
    }
    if (!c) {
      if (figure) { figure.classList.remove('is-live'); }
      continue;
    }
    live.push(c);
    addSave(c);
    var details = figure && figure.querySelector('details.chart-data');
    if (details) { details.removeAttribute('open'); }
  }

  /* Sparklines of key-number cards: a line, no axes; the card's text says
   * the same (its aria-label). */
  var sparks = document.querySelectorAll('.spark[data-spark]');
  for (var k = 0; k < sparks.length; k++) {
    try {
      var el = sparks[k];
      var values = JSON.parse(el.getAttribute('data-spark'));
      var sc = { el: el, chart: null, option: {
        animation: false,
        backgroundColor: 'transparent',
        grid: { left: 2, right: 2, top: 3, bottom: 3 },
        xAxis: { type: 'category', show: false, data: values.map(function (_, i) { return i; }) },
        yAxis: { type: 'value', show: false, scale: true },
        series: [{ type: 'line', data: values, showSymbol: false, silent: true, lineStyle: { width: 1.5 } }]
      } };
      draw(sc);
      live.push(sc);
    } catch (err) {
      if (window.console) { console.warn('brief: sparkline could not be drawn:', err); }
    }
  }

  var pending = 0;
  function resizeAll() {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(function () {
      live.forEach(function (c) {
        if (c.chart.getWidth() !== c.el.clientWidth || c.chart.getHeight() !== c.el.clientHeight) { c.chart.resize(); }
      });
    });
  }
  // A chart follows its element's size, not only the window's: a scroll bar
  // that appears once the page is long, a font that loads late or a phone
  // turned on its side change the width without a window resize, and a
  // canvas left wider than its figure is cut off on the right.
  if (window.ResizeObserver) {
    var observer = new ResizeObserver(resizeAll);
    live.forEach(function (c) { observer.observe(c.el); });
  }
  window.addEventListener('resize', resizeAll);
  if (darkQuery && darkQuery.addEventListener) {
    darkQuery.addEventListener('change', function () { live.forEach(draw); });
  }
  window.addEventListener('beforeprint', function () {
    live.forEach(function (c) { c.chart.resize({ width: c.el.parentNode.clientWidth }); });
  });
  window.addEventListener('afterprint', function () {
    live.forEach(function (c) { c.chart.resize(); });
  });
})();
