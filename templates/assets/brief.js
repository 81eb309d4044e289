/* brief: draws every chart on the page from the JSON option beside it.
 * The option is data (a <script type="application/json"> element), never code;
 * every name this script puts into tooltip HTML is escaped. */
(function () {
  'use strict';
  var echarts = window.echarts;
  if (!echarts) { return; }
  var encode = echarts.format.encodeHTML;
  var darkQuery = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  /* A page loaded for print (the PDF edition: brief prints it with print
   * styles from the start) draws its charts once, as vectors, without
   * animation or buttons, and says when all are drawn: window.briefDrawn,
   * a promise of every chart's "finished" event. */
  var printing = !!(window.matchMedia && window.matchMedia('print').matches);
  var drawn = [];

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

  /* Measuring and fitting text, with the fonts ECharts draws in. */
  var measure = document.createElement('canvas').getContext('2d');
  var LABEL = '12px sans-serif', TITLE = 'bolder 18px sans-serif', SMALL = '11px sans-serif';
  function textWidth(text, font) { measure.font = font; return measure.measureText(text).width; }
  function truncate(text, width, font) {
    if (textWidth(text, font) <= width) { return text; }
    var s = text;
    while (s.length > 1 && textWidth(s + '…', font) > width) { s = s.slice(0, -1); }
    return s.replace(/\s+$/, '') + '…';
  }
  /* wrap breaks text at spaces into at most max lines of at most width
   * pixels; what does not fit ends in an ellipsis. */
  function wrap(text, width, font, max) {
    var words = String(text).split(/\s+/), lines = [], line = '';
    words.forEach(function (w) {
      var next = line ? line + ' ' + w : w;
      if (!line || textWidth(next, font) <= width) { line = next; } else { lines.push(line); line = w; }
    });
    lines.push(line);
    if (lines.length > max) { lines = lines.slice(0, max - 1).concat([lines.slice(max - 1).join(' ')]); }
    return lines.map(function (l) { return truncate(l, width, font); });
  }
  /* Months or days on a date axis, by the rule the email's image and the
   * workbook follow: "Jul 2025", "Aug", ... "Jan 2026"; or "2 Jan". */
  var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  function dateFormatter(mode, first) {
    // The year shows on the axis' first month and on every January: the
    // formatter is called for labels in no set order, so it keeps no state.
    return function (v) {
      var d = new Date(v);
      if (mode === 'days') { return d.getUTCDate() + ' ' + MONTHS[d.getUTCMonth()]; }
      var m = MONTHS[d.getUTCMonth()];
      return d.getUTCMonth() === 0 || v < first + 28 * 864e5 ? m + ' ' + d.getUTCFullYear() : m;
    };
  }
  function axisFormatter(a) {
    return function (v) { return a.labels[Math.round((v - a.min) / a.step)] || ''; };
  }
  function setAxis(axis, a) {
    axis.min = a.min; axis.max = a.max; axis.interval = a.step;
    axis.axisLabel = axis.axisLabel || {};
    axis.axisLabel.formatter = axisFormatter(a);
  }

  function prepare(el) {
    var source = document.getElementById(el.getAttribute('data-option'));
    if (!source) { return null; }
    var payload = JSON.parse(source.textContent);
    var option = payload.option, meta = payload.meta;
    option.tooltip = option.tooltip || {};
    option.tooltip.confine = true;
    option.tooltip.formatter = tooltip(meta);
    if (meta.yAxis) { [].concat(option.yAxis || []).forEach(function (axis) { setAxis(axis, meta.yAxis); }); }
    [].concat(option.xAxis || []).forEach(function (axis) {
      axis.axisLabel = axis.axisLabel || {};
      if (meta.xAxis) { setAxis(axis, meta.xAxis); }
      if (meta.xAxis || meta.xDates) {
        // The end labels stay inside the plot's width, not half out of the canvas.
        axis.axisLabel.alignMinLabel = 'left';
        axis.axisLabel.alignMaxLabel = 'right';
      }
      if (meta.xDates) {
        axis.axisLabel.formatter = dateFormatter(meta.xDates, Date.parse(meta.series[0].xTexts[0]));
        axis.minInterval = (meta.xDates === 'months' ? 28 : 1) * 864e5;
        // The last date is rarely a tick: its label would repeat a month.
        axis.axisLabel.showMaxLabel = false;
      }
    });
    (option.series || []).forEach(function (series, i) {
      if (meta.labels && series.label && series.label.show) {
        series.label.formatter = function (p) { return meta.series[i].texts[p.dataIndex] || ''; };
        series.labelLayout = { hideOverlap: true };
        (series.data || []).forEach(function (d) {
          if (d && typeof d.value === 'number' && d.value < 0) { d.label = { position: 'bottom' }; }
        });
      }
    });
    return { el: el, option: option, meta: meta, chart: null, file: meta.fileName || 'chart' };
  }

  /* layout fits the chart's texts to its element's width: the title and
   * subtitle wrap (on a narrow screen the page's caption shows them
   * instead), the legend flows onto as many rows as it needs, category
   * labels wrap to their bar's width, shortened with an ellipsis (the
   * tooltip has the whole name), and the source line keeps its glyphs
   * inside the canvas. */
  function layout(c) {
    var option = c.option, meta = c.meta, width = c.el.clientWidth;
    var title = [].concat(option.title || [])[0];
    var narrow = width < 560, top = 0;
    if (title) {
      title.show = !narrow;
      // Texts start 2 px in: a glyph such as J reaches left of its origin.
      title.left = 2; title.top = 0; title.padding = 0; title.itemGap = 6;
      if (c.titleText === undefined) { c.titleText = title.text || ''; c.subText = title.subtext || ''; }
      if (!narrow) {
        var lines = c.titleText ? wrap(c.titleText, width - 4, TITLE, 3) : [];
        var sub = c.subText ? wrap(c.subText, width - 4, LABEL, 2) : [];
        title.text = lines.join('\n');
        title.subtext = sub.join('\n');
        title.textStyle = { fontSize: 18, lineHeight: 24 };
        title.subtextStyle = { fontSize: 12, lineHeight: 16 };
        top = lines.length * 24 + (sub.length ? 6 + sub.length * 16 : 0) + 10;
      }
    }
    var fig = c.el.closest('figure');
    if (fig) { fig.classList.toggle('narrow', narrow); }
    var graphic = (c.graphic = c.graphic || [].concat(option.graphic || []));
    var extra = [];
    if (meta.yUnit && !meta.single) {
      extra.push({ type: 'text', left: 2, top: top, silent: true,
        style: { text: truncate(meta.yUnit, width - 4, LABEL), font: LABEL, lineHeight: 16, fill: '#8a8d93' } });
      top += 24;
    } else {
      top += 8;
    }
    extra.push({ type: 'text', left: 2, bottom: 2, silent: true,
      style: { text: truncate(meta.source || '', width - 4, SMALL), font: SMALL, lineHeight: 16, fill: '#8a8d93' } });
    option.graphic = graphic.concat(extra);
    if (meta.single) {
      var g = option.graphic[0];
      if (g) { g.top = top + Math.max(0, (c.el.clientHeight - top - 24) / 2 - 40); }
      return;
    }
    var bottom = 22;
    var legend = [].concat(option.legend || [])[0];
    if (legend && legend.show) {
      var rows = 1, x = 0;
      var names = meta.series.map(function (s) { return s.name; });
      legend.type = 'plain'; legend.left = 0; legend.bottom = bottom; legend.padding = 0;
      legend.itemGap = 12; legend.itemWidth = 18; legend.itemHeight = 12;
      legend.formatter = function (name) { return truncate(name, width - 40, LABEL); };
      names.forEach(function (n) {
        var w = 18 + 5 + textWidth(truncate(n, width - 40, LABEL), LABEL) + 12;
        if (x > 0 && x + w > width) { rows++; x = 0; }
        x += w;
      });
      bottom += rows * 14 + (rows - 1) * 12 + 10;
    }
    // The zoom slider of a long series sits under the axis' labels.
    [].concat(option.dataZoom || []).forEach(function (z) {
      if (z.type === 'slider') {
        z.bottom = bottom; z.height = 20; z.left = 8; z.right = 16;
        z.showDetail = false; // its dates would run off the canvas at the ends
        bottom += 30;
      }
    });
    // A date's label centred on a tick near the axis' end needs half its
    // width beyond the plot.
    var right = meta.xDates ? 8 + textWidth('May 2026', LABEL) / 2 : 16;
    [].concat(option.grid || []).forEach(function (g) { g.top = top; g.bottom = bottom; g.left = 4; g.right = right; });
    var n = meta.series.length ? meta.series[0].texts.length : 0;
    if (meta.xType === 'category' && n > 0) {
      var yw = 0;
      (meta.yAxis ? meta.yAxis.labels : []).forEach(function (l) { yw = Math.max(yw, textWidth(l, LABEL)); });
      var slot = (width - 4 - right - yw - 8) / n - 8;
      var cats = [].concat(option.xAxis || [])[0];
      var names = (cats && cats.data) || [];
      var labels = names.map(function (name, i) {
        var text = meta.xLabels ? meta.xLabels[i] : String(name);
        return slot >= 36 ? wrap(text, slot, LABEL, 3).join('\n') : truncate(text, 96, LABEL);
      });
      // Value labels wider than their bar's room would cover the next bar.
      var widest = 0;
      if (meta.labels) { meta.series[0].texts.forEach(function (t) { widest = Math.max(widest, textWidth(t, LABEL)); }); }
      (option.series || []).forEach(function (series) {
        if (meta.labels && series.label) { series.label.show = widest <= slot + 4; }
      });
      [].concat(option.xAxis || []).forEach(function (axis) {
        axis.axisLabel = axis.axisLabel || {};
        axis.axisLabel.formatter = function (v, i) { return labels[i] !== undefined ? labels[i] : v; };
        axis.axisLabel.lineHeight = 15;
        if (slot >= 36) {
          axis.axisLabel.interval = 0;
        } else {
          axis.axisLabel.interval = 'auto';
          axis.axisLabel.hideOverlap = true;
        }
      });
    }
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
    if (c.meta) { layout(c); c.width = c.el.clientWidth; }
    c.chart = echarts.init(c.el, darkQuery && darkQuery.matches ? 'dark' : null, { renderer: printing ? 'svg' : 'canvas' });
    if (printing) {
      c.option.animation = false;
      var chart = c.chart;
      drawn.push(new Promise(function (resolve) {
        chart.on('finished', function done() { chart.off('finished', done); resolve(); });
      }));
    }
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
    if (!printing) { addSave(c); }
    var details = figure && figure.querySelector('details.chart-data');
    if (details) { details.removeAttribute('open'); }
  }

  /* Sparklines of key-number cards: a line, no axes; the card's text says
   * the same (its aria-label). */
  var sparks = printing ? [] : document.querySelectorAll('.spark[data-spark]'); // not printed
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

  if (printing) {
    window.briefDrawn = Promise.all(drawn);
    return;
  }
  var pending = 0;
  function resizeAll() {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(function () {
      live.forEach(function (c) {
        if (c.meta && c.width !== c.el.clientWidth) {
          // Texts are fitted to the width: fit them again.
          layout(c);
          c.width = c.el.clientWidth;
          c.chart.setOption(c.option, true);
        }
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
