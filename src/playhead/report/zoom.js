// Zoom and pan on the time axis of every session panel of a playhead report page.
// The wheel zooms around the pointer, a drag pans, a double-click shows the whole session
// again; moving over a chart shows the time, the state and the content position there.
// Every mark carries its time (data-t, data-t0/data-t1), so a new view only moves marks:
// no library, nothing fetched, works from a file offline. The drawing rules (tick steps,
// heartbeat ticks or density, label placement) are the ones of playhead/report/svg.py.
(function () {
  "use strict";
  var C = JSON.parse(document.getElementById("playhead-zoom-config").textContent);
  var X0 = C.x0, X1 = C.x1, W = C.x1 - C.x0, SVGNS = "http://www.w3.org/2000/svg";

  function fmt(seconds) {
    var tenths = Math.round(Math.abs(seconds) * 10), whole = Math.floor(tenths / 10);
    var h = Math.floor(whole / 3600), m = Math.floor((whole % 3600) / 60), s = whole % 60;
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    var text = h ? h + ":" + pad(m) + ":" + pad(s) : m + ":" + pad(s);
    return (seconds < 0 ? "-" : "") + text + (tenths % 10 ? "." + (tenths % 10) : "");
  }

  function make(tag, attrs, text) {
    var el = document.createElementNS(SVGNS, tag);
    Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function clear(group) {
    Array.prototype.slice.call(group.children).forEach(function (child) {
      if (child.tagName !== "title") group.removeChild(child);
    });
  }

  function Panel(g, index) {
    this.g = g;
    this.index = index;
    this.duration = parseFloat(g.getAttribute("data-duration"));
    this.axis = g.querySelector("g.axis");
    this.bands = g.querySelectorAll("[data-t0]");
    this.markers = g.querySelectorAll("g.marker");
    this.beats = g.querySelectorAll("g.heartbeats");
    this.lines = g.querySelectorAll("polyline.playhead");
    var plot = g.querySelector("rect.plot");
    this.top = parseFloat(this.axis.getAttribute("data-top"));
    this.bottom = parseFloat(this.axis.getAttribute("data-y"));
    this.readout = make("text", {x: X1, y: this.bottom + 28, "font-size": 11, "text-anchor": "end",
                                 fill: "#37474f", "class": "readout"});
    this.cursor = make("line", {y1: this.top, y2: this.bottom, stroke: "#263238",
                                "stroke-width": 0.75, visibility: "hidden", "class": "cursor",
                                "pointer-events": "none"});
    this.plotBottom = parseFloat(plot.getAttribute("y")) + parseFloat(plot.getAttribute("height"));
    g.appendChild(this.readout);
    g.appendChild(this.cursor);
    this.view(0, this.duration);
    this.listen();
  }

  Panel.prototype.x = function (t) { return X0 + W * (t - this.v0) / (this.v1 - this.v0); };
  Panel.prototype.t = function (x) { return this.v0 + (x - X0) / W * (this.v1 - this.v0); };

  Panel.prototype.view = function (v0, v1) {
    var span = Math.min(Math.max(v1 - v0, C.min_span), this.duration);
    v0 = Math.min(Math.max(v0, 0), this.duration - span);
    this.v0 = v0;
    this.v1 = v0 + span;
    this.g.setAttribute("data-view", this.v0.toFixed(3) + " " + this.v1.toFixed(3));
    this.draw();
  };

  Panel.prototype.draw = function () {
    var self = this;
    Array.prototype.forEach.call(this.bands, function (el) {
      var x0 = self.x(parseFloat(el.getAttribute("data-t0")));
      var x1 = self.x(parseFloat(el.getAttribute("data-t1")));
      if (el.tagName === "text") {
        var left = Math.max(x0, X0), right = Math.min(x1, X1);
        el.setAttribute("x", ((left + right) / 2).toFixed(1));
        el.setAttribute("visibility", right - left > 8 * el.textContent.length ? "visible" : "hidden");
      } else {
        el.setAttribute("x", x0.toFixed(1));
        el.setAttribute("width", Math.max(x1 - x0, 0.75).toFixed(1));
      }
    });
    Array.prototype.forEach.call(this.lines, function (line) {
      var points = line.getAttribute("data-pts").split(" ").map(function (pair) {
        var parts = pair.split(",");
        return self.x(parseFloat(parts[0])).toFixed(1) + "," + parts[1];
      });
      line.setAttribute("points", points.join(" "));
    });
    this.drawBeats();
    this.drawMarkers();
    this.drawAxis();
  };

  Panel.prototype.drawBeats = function () {
    var self = this;
    Array.prototype.forEach.call(this.beats, function (group) {
      clear(group);
      var cy = parseFloat(group.getAttribute("data-cy")), colour = group.getAttribute("data-colour");
      var times = group.getAttribute("data-times").split(" ").map(parseFloat).filter(function (t) {
        return t >= self.v0 && t <= self.v1;
      });
      if (times.length <= C.heartbeat_ticks_max) {
        times.forEach(function (t) {
          var x = self.x(t).toFixed(1);
          group.appendChild(make("line", {x1: x, x2: x, y1: cy - 6, y2: cy + 6, stroke: colour,
                                          "stroke-width": 2, "class": "heartbeat"}));
        });
        return;
      }
      var bins = {}, most = 0;
      times.forEach(function (t) {
        var key = Math.min(Math.floor((self.x(t) - X0) / C.density_bin),
                           Math.floor(W / C.density_bin) - 1);
        bins[key] = (bins[key] || 0) + 1;
        most = Math.max(most, bins[key]);
      });
      Object.keys(bins).forEach(function (key) {
        group.appendChild(make("rect", {x: X0 + key * C.density_bin, y: cy - 6,
                                        width: C.density_bin, height: 12, fill: colour,
                                        "fill-opacity": (0.2 + 0.8 * bins[key] / most).toFixed(2),
                                        "class": "heartbeat-density"}));
      });
    });
  };

  // The label rule of svg.place_labels: right of the glyph when it ends before the lane's next
  // glyph, else left when it starts after the previous one; quartile labels centred above.
  Panel.prototype.drawMarkers = function () {
    var self = this, shown = [];
    Array.prototype.forEach.call(this.markers, function (m) {
      var t = parseFloat(m.getAttribute("data-t"));
      var inside = t >= self.v0 - 1e-9 && t <= self.v1 + 1e-9;
      m.setAttribute("display", inside ? "inline" : "none");
      if (!inside) return;
      var x = Math.min(Math.max(self.x(t), X0 + 5), X1 - 5);
      var cy = m.getAttribute("transform").split(" ")[1];
      m.setAttribute("transform", "translate(" + x.toFixed(1) + " " + cy);
      var label = m.querySelector("text.label");
      shown.push({x: x, lane: m.getAttribute("data-lane"), label: label,
                  above: label.classList.contains("above")});
    });
    var glyphs = {}, seen = {}, ends = {};
    shown.forEach(function (s) { (glyphs[s.lane] = glyphs[s.lane] || []).push(s.x); });
    shown.forEach(function (s) {
      var index = seen[s.lane] || 0, xs = glyphs[s.lane], i;
      seen[s.lane] = index + 1;
      var width = (s.above ? 5 : 6.2) * s.label.textContent.length;
      var key = s.lane + (s.above ? "^" : ""), endBefore = key in ends ? ends[key] : X0;
      var start, anchor, dx, fits;
      if (s.above) {
        start = s.x - width / 2; anchor = "middle"; dx = 0;
        fits = start >= endBefore && start + width <= X1;
      } else {
        var following = X1 + 6, previous = X0 - 6;
        for (i = index + 1; i < xs.length; i++) if (xs[i] > s.x + 0.5) { following = xs[i]; break; }
        for (i = 0; i < index; i++) if (xs[i] < s.x - 0.5) previous = Math.max(previous, xs[i]);
        start = s.x + 7; anchor = "start"; dx = 7;
        fits = start >= endBefore && start + width <= Math.min(following - 6, X1);
        if (!fits) {
          start = s.x - 7 - width; anchor = "end"; dx = -7;
          fits = start >= Math.max(endBefore, previous + 6, X0);
        }
      }
      s.label.setAttribute("visibility", fits ? "visible" : "hidden");
      if (fits) {
        ends[key] = start + width + 3;
        s.label.setAttribute("text-anchor", anchor);
        s.label.setAttribute("x", dx);
      }
    });
  };

  Panel.prototype.drawAxis = function () {
    clear(this.axis);
    var span = this.v1 - this.v0, step = C.tick_steps[C.tick_steps.length - 1];
    for (var i = 0; i < C.tick_steps.length; i++) {
      if (span / C.tick_steps[i] <= 10) { step = C.tick_steps[i]; break; }
    }
    for (var tick = Math.ceil(this.v0 / step - 1e-9) * step; tick <= this.v1 + 1e-9; tick += step) {
      var x = this.x(tick).toFixed(1);
      this.axis.appendChild(make("line", {x1: x, x2: x, y1: this.top, y2: this.bottom + 4,
                                          stroke: "#90a4ae", "stroke-width": 0.5,
                                          "stroke-dasharray": "2,3"}));
      this.axis.appendChild(make("text", {x: x, y: this.bottom + 16, "font-size": 10,
                                          "text-anchor": "middle"}, fmt(tick)));
    }
  };

  Panel.prototype.svgX = function (event) {
    var svg = this.g.ownerSVGElement, point = svg.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    var local = point.matrixTransform(svg.getScreenCTM().inverse());
    return {x: local.x, y: local.y};
  };

  Panel.prototype.inside = function (p) {
    return p.x >= X0 && p.x <= X1 && p.y >= this.top && p.y <= this.bottom;
  };

  Panel.prototype.describe = function (p) {
    var t = this.t(p.x), state = "", position = null, self = this;
    Array.prototype.forEach.call(this.g.querySelectorAll("rect.band"), function (band) {
      if (parseFloat(band.getAttribute("data-t0")) <= t && t < parseFloat(band.getAttribute("data-t1"))) {
        state = band.getAttribute("class").split(" ")[1].slice(5);
      }
    });
    Array.prototype.forEach.call(this.lines, function (line) {
      var pts = line.getAttribute("data-pts").split(" ").map(function (pair) {
        return pair.split(",").map(parseFloat);
      });
      for (var i = 1; i < pts.length; i++) {
        if (pts[i - 1][0] <= t && t <= pts[i][0]) {
          var span = pts[i][0] - pts[i - 1][0];
          var y = span > 0 ? pts[i - 1][1] + (pts[i][1] - pts[i - 1][1]) * (t - pts[i - 1][0]) / span : pts[i][1];
          var highest = parseFloat(line.getAttribute("data-highest"));
          position = (self.plotBottom - y) / C.plot_height * highest;
        }
      }
    });
    return fmt(t) + (state ? "  \u00b7  " + state : "") +
      (position === null ? "" : "  \u00b7  content " + fmt(Math.max(Math.round(position), 0)));
  };

  Panel.prototype.listen = function () {
    var self = this, drag = null;
    this.g.addEventListener("wheel", function (event) {
      var p = self.svgX(event);
      if (!self.inside(p)) return;
      event.preventDefault();
      var t = self.t(p.x), factor = event.deltaY < 0 ? 1 / 1.5 : 1.5;
      self.view(t - (t - self.v0) * factor, t + (self.v1 - t) * factor);
    }, {passive: false});
    this.g.addEventListener("mousedown", function (event) {
      var p = self.svgX(event);
      if (!self.inside(p)) return;
      event.preventDefault();
      drag = {x: p.x, v0: self.v0, v1: self.v1};
    });
    window.addEventListener("mousemove", function (event) {
      var p = self.svgX(event);
      if (drag) {
        var shift = (p.x - drag.x) / W * (drag.v1 - drag.v0);
        self.view(drag.v0 - shift, drag.v1 - shift);
      }
      var show = self.inside(p);
      self.cursor.setAttribute("visibility", show ? "visible" : "hidden");
      if (show) {
        self.cursor.setAttribute("x1", p.x);
        self.cursor.setAttribute("x2", p.x);
        self.readout.textContent = self.describe(p);
      }
    });
    window.addEventListener("mouseup", function () { drag = null; });
    this.g.addEventListener("dblclick", function () { self.view(0, self.duration); });
  };

  var panels = Array.prototype.map.call(document.querySelectorAll("g.session"), function (g, i) {
    return new Panel(g, i);
  });
  // For links and scripts: playheadView(0, 60, 120) shows 1:00-2:00 of the first session.
  window.playheadView = function (index, v0, v1) { panels[index].view(v0, v1); };
})();
