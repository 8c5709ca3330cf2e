/*
 * The Hearth page: polls data.json and redraws the tables and the chart. No inline handlers,
 * no innerHTML with data (rows are built with textContent), nothing fetched from elsewhere.
 */
(function () {
  'use strict';
  var root = document.getElementById('hearth');
  if (!root) return;
  var url = root.getAttribute('data-url');
  var poll = Math.max(500, parseInt(root.getAttribute('data-poll'), 10) || 2000);
  var canvas = document.getElementById('hearth-chart');
  var select = document.getElementById('hearth-series');
  var legend = document.getElementById('hearth-legend');
  var chartStatus = document.getElementById('hearth-chart-status');
  var COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];
  var MAX_POINTS = 3600; // per series in the browser too, whatever the server sends

  var series = {};   // name -> {t: [], v: []}
  var order = [];    // names in first-seen order
  var since = 0;
  var epoch = '';       // the history our since belongs to; the gateway says when it is another
  var windowMs = 600000;
  var serverOffset = 0; // server clock minus ours, so the window follows the gateway's clock

  function text(tag, value, cls) {
    var el = document.createElement(tag);
    el.textContent = value == null ? '' : String(value);
    if (cls) el.className = cls;
    return el;
  }

  function fillTable(id, rows, columns, key) {
    var body = document.querySelector('#' + id + ' tbody');
    var fresh = document.createElement('tbody');
    rows.forEach(function (r) {
      var tr = document.createElement('tr');
      tr.setAttribute(key.attr, r[key.field]);
      columns.forEach(function (c) {
        var td = text('td', typeof c.get === 'function' ? c.get(r) : r[c.get]);
        if (c.cls) td.className = c.cls(r);
        tr.appendChild(td);
      });
      fresh.appendChild(tr);
    });
    body.parentNode.replaceChild(fresh, body);
  }

  function merge(chart, now) {
    if (chart.reset) { // a new history on the gateway: ours is void
      series = {};
      order = [];
      while (select.options.length > 1) select.remove(1);
    }
    chart.series.forEach(function (s) {
      var mine = series[s.name];
      if (!mine) { mine = series[s.name] = { t: [], v: [] }; order.push(s.name); addOption(s.name); }
      for (var i = 0; i < s.t.length; i++) { mine.t.push(now + s.t[i]); mine.v.push(s.v[i]); }
      if (mine.t.length > MAX_POINTS) { mine.t.splice(0, mine.t.length - MAX_POINTS); mine.v.splice(0, mine.v.length - MAX_POINTS); }
    });
    since = chart.last;
    epoch = chart.epoch;
  }

  function addOption(name) {
    var o = document.createElement('option');
    o.value = name;
    o.textContent = name;
    select.appendChild(o);
  }

  function prune(now) {
    var oldest = now - windowMs;
    order = order.filter(function (name) {
      var s = series[name];
      var k = 0;
      while (k < s.t.length && s.t[k] < oldest) k++;
      if (k) { s.t.splice(0, k); s.v.splice(0, k); }
      if (s.t.length) return true;
      delete series[name];
      for (var i = 0; i < select.options.length; i++) if (select.options[i].value === name) { select.remove(i); break; }
      return false;
    });
  }

  function scale(values) {
    var lo = Infinity, hi = -Infinity;
    values.forEach(function (v) { if (v != null) { lo = Math.min(lo, v); hi = Math.max(hi, v); } });
    if (lo === Infinity) return null;
    if (hi === lo) { hi += 1; lo -= 1; }
    return { lo: lo, hi: hi };
  }

  function round(v) { return String(Math.round(v * 100) / 100); }

  // Draws one series into a box; returns the points drawn.
  function line(ctx, s, colour, box, now) {
    var r = scale(s.v);
    if (!r) return 0;
    var n = 0, started = false, px = 0, py = 0;
    ctx.save();
    ctx.beginPath();
    ctx.rect(box.x - 3, box.y - 3, box.w + 6, box.h + 6); // a clock ahead of the gateway's stays inside the box
    ctx.clip();
    ctx.strokeStyle = colour;
    ctx.fillStyle = colour;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    var gap = windowMs / 5, prev = 0;
    for (var i = 0; i < s.t.length; i++) {
      if (s.v[i] == null) continue;
      px = box.x + box.w * (1 - (now - s.t[i]) / windowMs);
      py = box.y + box.h * (1 - (s.v[i] - r.lo) / (r.hi - r.lo));
      if (started && s.t[i] - prev <= gap) {
        ctx.lineTo(px, py);
      } else { // first point, or after a long silence (a restart, an outage): no line bridges the gap
        ctx.moveTo(px, py);
        ctx.fillRect(px - 1.5, py - 1.5, 3, 3);
        started = true;
      }
      prev = s.t[i];
      n++;
    }
    ctx.stroke();
    if (started) { // the newest value as a dot: visible even when it is the only one
      ctx.fillRect(px - 2, py - 2, 4, 4);
    }
    ctx.restore();
    return n;
  }

  function fit(ctx, text, width) {
    if (ctx.measureText(text).width <= width) return text;
    while (text.length > 1 && ctx.measureText(text + '\u2026').width > width) text = text.slice(0, -1);
    return text + '\u2026';
  }

  function timeAxis(ctx, x0, x1, y0, y1) {
    ctx.strokeStyle = '#ddd';
    ctx.fillStyle = '#555';
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (var g = 0; g <= 5; g++) {
      var x = x0 + (x1 - x0) * g / 5;
      ctx.moveTo(x, y0); ctx.lineTo(x, y1);
      var minsAgo = Math.round(windowMs / 60000 * (5 - g) / 5 * 10) / 10;
      var label = minsAgo ? '-' + minsAgo + ' min' : 'now';
      var lw = ctx.measureText(label).width;
      ctx.fillText(label, Math.max(2, Math.min(x - lw / 2, canvas.width - lw - 2)), y1 + 14);
    }
    ctx.stroke();
  }

  // One series: a large chart with a value axis. All: small multiples, each on its own scale.
  function draw() {
    var now = Date.now() + serverOffset;
    prune(now);
    var chosen = select.value && series[select.value] ? select.value : '';
    var names = chosen ? [chosen] : order;
    var w = canvas.width, drawn = 0;
    var cols = 3, laneH = 64, rows = Math.max(1, Math.ceil(names.length / cols));
    var h = chosen ? 300 : rows * laneH + 24;
    if (canvas.height !== h) canvas.height = h; // resizing also clears
    var ctx = canvas.getContext('2d');
    ctx.clearRect(0, 0, w, h);
    ctx.font = '11px sans-serif';
    while (legend.firstChild) legend.removeChild(legend.firstChild);

    if (chosen) {
      var box = { x: 60, y: 10, w: w - 70, h: h - 34 };
      timeAxis(ctx, box.x, box.x + box.w, box.y, box.y + box.h);
      var r = scale(series[chosen].v);
      if (r) {
        ctx.fillStyle = '#555';
        ctx.fillText(round(r.hi), 2, box.y + 8);
        ctx.fillText(round(r.lo), 2, box.y + box.h);
      }
      drawn = line(ctx, series[chosen], COLOURS[order.indexOf(chosen) % COLOURS.length], box, now);
    } else {
      var cellW = w / cols;
      timeAxis(ctx, 0, w, 0, h - 24);
      names.forEach(function (name, idx) {
        var s = series[name];
        var cx = (idx % cols) * cellW, cy = Math.floor(idx / cols) * laneH;
        var colour = COLOURS[idx % COLOURS.length];
        ctx.fillStyle = '#fff';
        ctx.fillRect(cx + 4, cy + 2, cellW - 8, laneH - 4);
        ctx.strokeStyle = '#eee';
        ctx.strokeRect(cx + 4, cy + 2, cellW - 8, laneH - 4);
        var last = s.v.length ? round(s.v[s.v.length - 1]) : '';
        ctx.fillStyle = '#333';
        var lastW = ctx.measureText(last).width;
        ctx.fillText(fit(ctx, name, cellW - 24 - lastW), cx + 8, cy + 14);
        ctx.fillStyle = colour;
        ctx.fillText(last, cx + cellW - 8 - lastW, cy + 14);
        drawn += line(ctx, s, colour, { x: cx + 8, y: cy + 20, w: cellW - 16, h: laneH - 26 }, now);
      });
    }
    // The small multiples carry their own labels; the legend is for the single chart.
    (chosen ? names : []).forEach(function (name) {
      var s = series[name];
      var li = document.createElement('li');
      var sw = document.createElement('span');
      sw.className = 'swatch';
      sw.style.backgroundColor = COLOURS[order.indexOf(name) % COLOURS.length];
      li.appendChild(sw);
      li.appendChild(document.createTextNode(name + ' (' + (s.v.length ? round(s.v[s.v.length - 1]) : '') + ')'));
      legend.appendChild(li);
    });
    canvas.setAttribute('data-points', String(drawn));
    canvas.setAttribute('data-seq', String(since));
    canvas.setAttribute('data-epoch', epoch);
    chartStatus.textContent = drawn ? drawn + ' points, ' + names.length + ' series' : 'waiting for readings';
  }

  function update(data) {
    windowMs = data.window || windowMs;
    serverOffset = data.now - Date.now();
    document.getElementById('hearth-summary').textContent = data.summary;
    fillTable('hearth-devices', data.devices, [
      { get: 'device' },
      { get: 'state', cls: function (r) { return 'state state-' + String(r.state).toLowerCase(); } },
      { get: 'since' }, { get: 'message' }, { get: 'readings' }, { get: 'errors' }, { get: 'lastError' }
    ], { attr: 'data-device', field: 'device' });
    fillTable('hearth-sinks', data.sinks, [
      { get: 'id' }, { get: function (r) { return r.registered ? 'yes' : 'no'; } }, { get: 'backlog' }, { get: 'delivered' },
      { get: 'retries' }, { get: 'deadLetters' }, { get: 'dropped' }, { get: 'lastDelivery' }, { get: 'lastError' }
    ], { attr: 'data-sink', field: 'id' });
    merge(data.chart, data.now);
    draw();
  }

  var timer = null;
  function tick() {
    timer = null;
    if (document.hidden) { schedule(); return; } // a background tab costs the gateway nothing
    var xhr = new XMLHttpRequest();
    xhr.open('GET', url + '?since=' + encodeURIComponent(since) + '&epoch=' + encodeURIComponent(epoch));
    xhr.responseType = 'json';
    xhr.onload = function () {
      if (xhr.status === 200 && xhr.response) {
        root.removeAttribute('data-error');
        update(xhr.response);
      } else {
        root.setAttribute('data-error', 'HTTP ' + xhr.status);
        chartStatus.textContent = 'cannot refresh: HTTP ' + xhr.status;
      }
      schedule();
    };
    xhr.onerror = function () {
      root.setAttribute('data-error', 'unreachable');
      chartStatus.textContent = 'cannot refresh: the gateway does not answer';
      schedule();
    };
    xhr.send();
  }
  function schedule() { if (!timer) timer = setTimeout(tick, poll); }

  select.addEventListener('change', draw);
  document.addEventListener('visibilitychange', function () { if (!document.hidden && !timer) tick(); });
  tick();
})();
