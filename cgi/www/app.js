/*
 * bwmon dashboard: reads the JSON of /api/ (bwmon-cgi(8)) and draws it
 * with its own small canvas code.  No framework, no library, no build
 * step.  Every string from the API reaches the DOM as text (textContent,
 * append, setAttribute), never as HTML.
 */
"use strict";

/* JavaScript errors are counted where a test (and a person) sees them. */
var nerrors = 0;

function bug(what) {
	var box = document.getElementById("errors");

	nerrors++;
	if (window.console)
		console.error("bwmon page: " + what);
	if (box === null)
		return;
	box.dataset.errors = String(nerrors);
	box.hidden = false;
	if (nerrors <= 5)
		box.append("Error in the page: " + what + "\n");
}

window.addEventListener("error", function (ev) {
	bug((ev.message || "error") + (ev.filename ?
	    " (" + ev.filename + ":" + ev.lineno + ")" : ""));
});
window.addEventListener("unhandledrejection", function (ev) {
	var r = ev.reason;

	bug("unhandled rejection: " + (r && r.stack ? r.stack : String(r)));
});

(function () {

var RANGES = [["1h", "1 h"], ["24h", "24 h"], ["7d", "7 d"], ["30d", "30 d"],
    ["6m", "6 mo"], ["all", "all"]];
var RANGE_WORDS = {"1h": "the last hour", "24h": "the last 24 hours",
    "7d": "the last 7 days", "30d": "the last 30 days",
    "6m": "the last 6 months", "all": "all the history"};
var MON = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
    "Oct", "Nov", "Dec"];
var WDAY = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

var S = {
	iface: null,		/* the interface shown */
	ifaces: null,		/* the last /api/ifaces answer */
	gen: 0,			/* bumped on an interface change */
	range: "24h",
	heatRange: "30d",
	heatDir: "sum",
	totalsTab: "day",
	spikeTs: null,
	sel: null,		/* the window picked: {from, to} */
	whoBy: "program",
	hostsTab: "now",	/* the Hosts panel: now, or a range's bytes */
	hostsTop: 50,		/* hosts_top, as /api/hosts says */
	host: null,		/* the device whose history is charted: its id */
	stack: false		/* the history stacks its top "program"s or "host"s */
};

function $(id) {
	return document.getElementById(id);
}

/* el("td", {class: "n", title: t}, "text", node, ...) */
function el(tag, attrs) {
	var e = document.createElement(tag);
	var k, i;

	if (attrs)
		for (k in attrs) {
			if (attrs[k] === null || attrs[k] === undefined)
				continue;
			if (k === "class")
				e.className = attrs[k];
			else if (k === "style")	/* CSSOM: allowed by a strict CSP */
				e.style.cssText = attrs[k];
			else
				e.setAttribute(k, String(attrs[k]));
		}
	for (i = 2; i < arguments.length; i++)
		if (arguments[i] !== null && arguments[i] !== undefined)
			e.append(arguments[i]);
	return e;
}

function num(v) {
	return typeof v === "number" && isFinite(v) ? v : null;
}

function str(v) {
	return typeof v === "string" ? v : "";
}

function arr(v) {
	return Array.isArray(v) ? v : [];
}

/* --- numbers and times, as bw_fmt_bps() and bw_fmt_bytes() print them */

function si(v, units) {
	var i = 0;

	if (typeof v !== "number" || !isFinite(v) || v < 0)
		v = 0;
	while (v >= 999.95 && i < units.length - 1) {
		v /= 1000;
		i++;
	}
	if (i === 0)
		return Math.round(v) + " " + units[0];
	return v.toFixed(v < 9.995 ? 2 : v < 99.95 ? 1 : 0) + " " + units[i];
}

var BPS = ["bps", "Kbps", "Mbps", "Gbps", "Tbps"];
var BYTES = ["B", "kB", "MB", "GB", "TB", "PB"];

function fmtBps(v) {
	return num(v) === null ? "–" : si(v, BPS);
}

function fmtBytes(v) {
	return num(v) === null ? "–" : si(v, BYTES);
}

/* An axis label: "2.5 Mbps", "500 Kbps", "0". */
function fmtAxis(v, units) {
	var i = 0;

	if (v === 0)
		return "0";
	while (v >= 1000 && i < units.length - 1) {
		v /= 1000;
		i++;
	}
	return String(+v.toPrecision(3)) + " " + units[i];
}

function fmtPct(r) {
	return num(r) === null ? "–" : (r * 100).toFixed(r >= 0.9995 ? 0 : 1) + "%";
}

/* A multiple of an average, as bw_fmt_ratio prints it: ">1000×" over near silence. */
function fmtRatio(r) {
	return r >= 999.5 ? ">1000×" : r.toFixed(r < 9.95 ? 1 : 0) + "×";
}

function fmtCount(n) {
	return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function fmtDur(s) {
	if (num(s) === null)
		return "–";
	s = Math.max(0, Math.round(s));
	if (s < 60)
		return s + " s";
	if (s < 3600)
		return Math.floor(s / 60) + " min" + (s % 60 && s < 600 ?
		    " " + s % 60 + " s" : "");
	if (s < 86400)
		return Math.floor(s / 3600) + " h" + (s % 3600 >= 60 ?
		    " " + Math.floor(s % 3600 / 60) + " min" : "");
	return Math.floor(s / 86400) + " d" + (s % 86400 >= 3600 ?
	    " " + Math.floor(s % 86400 / 3600) + " h" : "");
}

function fmtAge(s) {
	if (num(s) === null)
		return "age unknown";
	if (s < 10)
		return s.toFixed(1) + " s old";
	return fmtDur(s) + " old";
}

function pad(n) {
	return n < 10 ? "0" + n : String(n);
}

function dt(ts) {
	return new Date(ts * 1000);
}

function fmtClock(ts, secs) {
	var d = dt(ts);

	return pad(d.getHours()) + ":" + pad(d.getMinutes()) +
	    (secs ? ":" + pad(d.getSeconds()) : "");
}

function fmtDay(ts) {
	var d = dt(ts);

	return WDAY[d.getDay()] + " " + d.getDate() + " " + MON[d.getMonth()];
}

function fmtWhen(ts, secs) {
	return num(ts) === null ? "–" : fmtDay(ts) + " " + fmtClock(ts, secs);
}

function fmtFull(ts) {
	return fmtWhen(ts, true) + " " + dt(ts).getFullYear();
}

/*
 * Time zones.  One rule: instants (clock times on axes, in tooltips, in
 * lists) are shown in the browser's zone; periods (days, weeks, months,
 * the heatmap's hours) are the server's, as bwtotal counts them, and are
 * labelled with the server's zone, which the API names in "tz" and
 * "utc_offset" (bwmon-cgi(8)).
 */

/* The server's zone of an API answer, or null when it names none. */
function srvZone(j) {
	return j && num(j.utc_offset) !== null ?
	    {name: str(j.tz), off: j.utc_offset} : null;
}

/* "UTC+02:00", "UTC-07:00", "UTC+05:30". */
function fmtOffset(off) {
	var a = Math.abs(Math.round(off / 60));

	return "UTC" + (off < 0 ? "-" : "+") + pad(Math.floor(a / 60)) + ":" +
	    pad(a % 60);
}

/* "UTC", "CEST, UTC+02:00"; a zone without a name by its offset. */
function fmtZone(z) {
	if (z.off === 0 && /^(UTC|GMT|Z)?$/.test(z.name))
		return "UTC";
	if (z.name === "" || z.name === "?" || /^[+-][0-9]+$/.test(z.name))
		return fmtOffset(z.off);
	return z.name + ", " + fmtOffset(z.off);
}

/*
 * The server's calendar date of the day that starts at t (a midnight of
 * the server, as periods and day buckets start), as a Date to read with
 * getUTC*().  Its noon is used: the current offset differs from the one
 * at t by a DST change at most, an hour or two, never a whole day.
 * Without a zone, the browser's.
 */
function srvDate(t, z) {
	var off = z ? z.off : -dt(t + 43200).getTimezoneOffset() * 60;

	return new Date((t + 43200 + off) * 1000);
}

/* "Mon 21 Sep": the server's day starting at t. */
function fmtSrvDay(t, z) {
	var d = srvDate(t, z);

	return WDAY[d.getUTCDay()] + " " + d.getUTCDate() + " " + MON[d.getUTCMonth()];
}

/* The browser's zone at t: "Europe/Berlin, UTC+02:00". */
function browserZone(t) {
	var name = "";

	try {
		name = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
	} catch (e) {
		name = "";
	}
	return (name ? name + ", " : "") +
	    fmtOffset(-dt(t).getTimezoneOffset() * 60);
}

/* --- the API */

function ApiError(status, body, text) {
	this.status = status;
	this.body = body || {};
	this.message = this.body.error || text || "HTTP " + status;
}

var cache = new Map();

/*
 * GET api/PATH?PARAMS, the JSON.  Relative, so the page also works under
 * a prefix.  live: never cached; else an answer is reused for 55 s (the
 * CGIs send max-age=60 for those).
 */
function api(path, params, live) {
	var q = new URLSearchParams(params || {}).toString();
	var url = "api/" + path + (q ? "?" + q : "");
	var hit = cache.get(url);
	var ctl = new AbortController();
	var timer;

	if (!live && hit && Date.now() - hit.t < 55000)
		return Promise.resolve(hit.j);
	timer = setTimeout(function () { ctl.abort(); }, 20000);
	return fetch(url, {cache: live ? "no-store" : "default",
	    signal: ctl.signal}).then(function (r) {
		return r.text().then(function (text) {
			var j = null;

			clearTimeout(timer);
			try {
				j = JSON.parse(text);
			} catch (e) {
				j = null;
			}
			if (!r.ok || j === null || typeof j !== "object")
				throw new ApiError(r.status, j, r.ok ?
				    "the answer is not JSON" : null);
			if (!live) {
				if (cache.size > 40)
					cache.clear();
				cache.set(url, {t: Date.now(), j: j});
			}
			return j;
		});
	}, function (e) {
		clearTimeout(timer);
		throw new ApiError(0, null, "cannot reach the server (" +
		    (e && e.name === "AbortError" ? "timed out" : String(e)) +
		    ")");
	});
}

/* --- panels: data-state is loading, ok, empty (says what is missing) or error */

/* A hint's shell command is shown as code. */
function appendHint(parent, text) {
	var m = /(?:sudo|systemctl|apt-get)(?: [a-z0-9@._\/=+:-]+)+/.exec(text), c;

	if (m === null) {
		parent.append(text);
		return;
	}
	c = m[0].replace(/\.+$/, "");
	parent.append(text.slice(0, m.index), el("code", null, c),
	    text.slice(m.index + c.length));
}

function setState(id, state, what, detail) {
	var p = $("p-" + id);
	var m = p.querySelector(".msg");

	p.dataset.state = state;
	m.textContent = "";
	if (what)
		m.append(el("span", {class: "what"}, what));
	if (detail)
		appendHint(m, detail);
}

/* An API failure shown in a panel; anything else is a bug in the page. */
function fail(id, e, what) {
	if (!(e instanceof ApiError))
		throw e;
	if (e.status === 404)
		setState(id, "empty", what || "No data", e.body.error ?
		    e.body.error + (e.body.hint ? ". " + e.body.hint : "") :
		    "The server has no such data.");
	else if (e.status === 0)
		setState(id, "error", "The server does not answer",
		    e.message + "; trying again.");
	else
		setState(id, "error", "The server answered " + e.status,
		    e.message + (e.body.hint ? ". " + e.body.hint : ""));
}

/* --- timers: one poller per source; all stop while the tab is hidden */

var pollers = [];

function report(e) {
	if (!(e instanceof ApiError))
		bug(e && e.stack ? e.stack : String(e));
}

function poller(fn, ms) {
	var p = {t: 0, busy: false, again: false};

	p.run = function () {
		clearTimeout(p.t);
		p.t = 0;
		if (p.busy) {
			p.again = true;
			return;
		}
		if (document.hidden || S.iface === null && fn !== pollIfaces)
			return;
		p.busy = true;
		/* fn may answer how long to wait until the next time. */
		Promise.resolve().then(fn).catch(report).then(function (next) {
			p.busy = false;
			if (p.again) {
				p.again = false;
				p.run();
			} else if (!document.hidden)
				p.t = setTimeout(p.run, typeof next === "number" ? next : ms);
		});
	};
	p.stop = function () {
		clearTimeout(p.t);
		p.t = 0;
	};
	pollers.push(p);
	return p;
}

/* --- canvas charts */

function color(name) {
	return getComputedStyle(document.documentElement)
	    .getPropertyValue(name).trim() || "#888";
}

/*
 * The horizontal grid lines of a chart at values yt, from x = L to R,
 * each at height y(v) and labelled label(v) left of L; the path is left
 * open for the caller's vertical lines and stroke().
 */
function yGrid(c, yt, L, R, y, label) {
	c.strokeStyle = color("--grid");
	c.fillStyle = color("--muted");
	c.textAlign = "right";
	c.textBaseline = "middle";
	c.beginPath();
	yt.forEach(function (v) {
		var h = Math.round(y(v)) + 0.5;

		c.moveTo(L, h);
		c.lineTo(R, h);
		c.fillText(label(v), L - 5, h);
	});
}

/* Size the backing store to the element; null while it is not shown. */
function prep(cv) {
	var dpr = window.devicePixelRatio || 1;
	var w = cv.clientWidth, h = cv.clientHeight;
	var c;

	if (w < 20 || h < 20)
		return null;
	if (cv.width !== Math.round(w * dpr) || cv.height !== Math.round(h * dpr)) {
		cv.width = Math.round(w * dpr);
		cv.height = Math.round(h * dpr);
	}
	c = cv.getContext("2d");
	c.setTransform(dpr, 0, 0, dpr, 0, 0);
	c.clearRect(0, 0, w, h);
	c.font = "11px system-ui, sans-serif";
	return {c: c, w: w, h: h};
}

/* Where a centred label at x stays inside a canvas w wide. */
function clampLabel(c, s, x, w) {
	var hw = c.measureText(s).width / 2;

	return Math.min(Math.max(x, hw + 2), w - hw - 2);
}

/* Ticks of 1, 2, 2.5 or 5 times a power of ten, about n of them. */
function niceTicks(max, n) {
	var raw = max / n, p = Math.pow(10, Math.floor(Math.log10(raw)));
	var step = [1, 2, 2.5, 5, 10].map(function (m) { return m * p; })
	    .find(function (s) { return s >= raw; });
	var top = Math.ceil(max / step - 1e-9) * step, t = [], v;

	for (v = 0; v <= top + step / 2; v += step)
		t.push(v);
	return t;
}

var TSTEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600,
    7200, 10800, 21600, 43200, 86400, 172800, 604800, 1209600];

/* Time ticks on local-time boundaries, at least px pixels apart. */
function timeTicks(x0, x1, w, px) {
	var span = x1 - x0, most = Math.max(2, w / px), step, ticks = [];
	var d, off, t, n, months, fmt;

	step = TSTEPS.find(function (s) { return span / s <= most; });
	if (step === undefined) {
		months = [1, 2, 3, 6, 12, 24].find(function (m) {
			return span / (m * 2629800) <= most;
		}) || 24;
		d = dt(x0);
		d.setHours(0, 0, 0, 0);
		d.setDate(1);
		while (d.getTime() / 1000 <= x1) {
			if (d.getTime() / 1000 >= x0 && d.getMonth() % months === 0)
				ticks.push({t: d.getTime() / 1000,
				    s: MON[d.getMonth()] + " " + d.getFullYear()});
			d.setMonth(d.getMonth() + 1);
		}
		return ticks;
	}
	if (step >= 86400) {
		n = step / 86400;
		d = dt(x0);
		d.setHours(0, 0, 0, 0);
		if (n === 7 || n === 14)
			d.setDate(d.getDate() - (d.getDay() + 6) % 7);
		while (d.getTime() / 1000 <= x1) {
			t = d.getTime() / 1000;
			if (t >= x0)
				ticks.push({t: t, s: d.getDate() + " " +
				    MON[d.getMonth()]});
			d.setDate(d.getDate() + n);
		}
		return ticks;
	}
	off = -dt(x0).getTimezoneOffset() * 60;
	fmt = step < 60;
	for (t = Math.ceil((x0 + off) / step) * step - off; t <= x1; t += step) {
		d = dt(t);
		ticks.push({t: t, s: d.getHours() === 0 && d.getMinutes() === 0 &&
		    d.getSeconds() === 0 && step >= 3600 ?
		    d.getDate() + " " + MON[d.getMonth()] : fmtClock(t, fmt)});
	}
	return ticks;
}

/*
 * A time chart: o.x0..o.x1, o.series [{xs, ys, color, fill, width,
 * bridge}], values in bit/s.  A null y breaks the line, unless the run of
 * nulls spans at most o.bridge seconds.  Returns the geometry, for
 * markers and hovering.
 */
function timeChart(cv, o) {
	var g = prep(cv);
	var c, ymax = 0, yt, L, R, T = o.top || 8, B, X, Y, xt, i;

	if (g === null)
		return null;
	c = g.c;
	o.series.forEach(function (s) {
		for (var k = 0; k < s.ys.length; k++)
			if (s.ys[k] !== null && s.ys[k] > ymax)
				ymax = s.ys[k];
	});
	yt = niceTicks(ymax > 0 ? ymax : 1000, g.h < 200 ? 3 : 4);
	ymax = yt[yt.length - 1];
	L = 8 + Math.max.apply(null, yt.map(function (v) {
		return c.measureText(fmtAxis(v, BPS)).width;
	}));
	R = g.w - 10;
	B = g.h - 22;
	X = function (t) { return L + (t - o.x0) / (o.x1 - o.x0 || 1) * (R - L); };
	Y = function (v) { return B - v / ymax * (B - T); };

	c.lineWidth = 1;
	yGrid(c, yt, L, R, Y, function (v) { return fmtAxis(v, BPS); });
	xt = timeTicks(o.x0, o.x1, R - L, g.w < 500 ? 70 : 90);
	c.textAlign = "center";
	c.textBaseline = "top";
	xt.forEach(function (k) {
		var x = Math.round(X(k.t)) + 0.5;

		c.moveTo(x, T);
		c.lineTo(x, B);
		c.fillText(k.s, clampLabel(c, k.s, x, g.w), B + 6);
	});
	c.stroke();

	o.series.forEach(function (s) {
		var segs = [], start = -1, last = -1, k, seg;

		for (k = 0; k < s.ys.length; k++) {
			if (s.ys[k] === null)
				continue;
			if (start < 0 || s.xs[k] - s.xs[last] > (o.bridge || 0) +
			    (o.step || 0) + 1) {
				if (start >= 0)
					segs.push([start, last]);
				start = k;
			}
			last = k;
		}
		if (start >= 0)
			segs.push([start, last]);
		if (s.fill) {
			c.beginPath();
			for (seg of segs) {
				c.moveTo(X(s.xs[seg[0]]), B);
				for (k = seg[0]; k <= seg[1]; k++)
					if (s.ys[k] !== null)
						c.lineTo(X(s.xs[k]), Y(s.ys[k]));
				c.lineTo(X(s.xs[seg[1]]), B);
				c.closePath();
			}
			c.globalAlpha = s.fill;
			c.fillStyle = s.color;
			c.fill();
			c.globalAlpha = 1;
		}
		c.beginPath();
		for (seg of segs) {
			if (seg[0] === seg[1]) {
				c.moveTo(X(s.xs[seg[0]]) - 1.5, Y(s.ys[seg[0]]));
				c.lineTo(X(s.xs[seg[0]]) + 1.5, Y(s.ys[seg[0]]));
				continue;
			}
			c.moveTo(X(s.xs[seg[0]]), Y(s.ys[seg[0]]));
			for (k = seg[0] + 1; k <= seg[1]; k++)
				if (s.ys[k] !== null)
					c.lineTo(X(s.xs[k]), Y(s.ys[k]));
		}
		c.lineWidth = s.width || 1.5;
		c.lineJoin = "round";
		c.strokeStyle = s.color;
		c.stroke();
	});
	c.strokeStyle = color("--line");
	c.lineWidth = 1;
	c.beginPath();
	c.moveTo(L, Math.round(B) + 0.5);
	c.lineTo(R, Math.round(B) + 0.5);
	c.stroke();
	for (i = 0, g.points = 0; i < o.series.length; i++)
		g.points += o.series[i].ys.length;
	cv.dataset.drawn = String(g.points);
	g.X = X;
	g.L = L;
	g.R = R;
	g.T = T;
	g.B = B;
	return g;
}

/* The tooltip. */
function tipShow(x, y, text) {
	var tip = $("tip");

	tip.textContent = text;
	tip.hidden = false;
	tip.style.left = Math.min(x + 14, window.innerWidth - tip.offsetWidth - 6) + "px";
	tip.style.top = Math.max(6, y - tip.offsetHeight - 10) + "px";
}

function tipHide() {
	$("tip").hidden = true;
}

/*
 * Hovering a time chart: get() returns {g, xs, text(i)} of its last
 * drawing; the nearest point's text is shown.
 */
function hover(cv, get) {
	function move(ev) {
		var h = get(), r, x, t, lo, hi, mid;

		if (!h || !h.g || h.xs.length === 0) {
			tipHide();
			return;
		}
		r = cv.getBoundingClientRect();
		x = ev.clientX - r.left;
		if (x < h.g.L - 4 || x > h.g.R + 4) {
			tipHide();
			return;
		}
		t = h.x0 + (x - h.g.L) / (h.g.R - h.g.L) * (h.x1 - h.x0);
		lo = 0;
		hi = h.xs.length - 1;
		while (hi - lo > 1) {
			mid = (lo + hi) >> 1;
			if (h.xs[mid] < t)
				lo = mid;
			else
				hi = mid;
		}
		if (Math.abs(h.xs[lo] - t) > Math.abs(h.xs[hi] - t))
			lo = hi;
		tipShow(ev.clientX, ev.clientY, h.text(lo));
	}
	cv.addEventListener("pointermove", move);
	cv.addEventListener("pointerdown", move);
	cv.addEventListener("pointerleave", tipHide);
}

/* Charts redraw when their box changes size, and on a theme change. */
var redraws = new Map();

var resizer = new ResizeObserver(function (entries) {
	entries.forEach(function (en) {
		var f = redraws.get(en.target);

		/* Called before the next paint already: no need to wait a frame. */
		if (f)
			f();
	});
});

function onResize(cv, f) {
	redraws.set(cv, f);
	resizer.observe(cv);
}

/* --- live rates, every second */

var live = {key: null, mode: null, pts: [], prev: null, g: null};

function pollLive() {
	var gen = S.gen;

	return api("live", {iface: S.iface}, true).then(function (j) {
		var c, dts, rx, tx, key, note = null, last;

		if (gen !== S.gen)
			return;
		if (j.source === "bwprocs") {
			if (live.mode !== "bwprocs") {
				live.mode = "bwprocs";
				live.key = null;
			}
			$("live-src").textContent = "from bwprocs, every " +
			    (num(j.interval_seconds) || 1) + " s";
			key = JSON.stringify(arr(j.samples).slice(-1)) + arr(j.samples).length;
			if (key === live.key)
				return;
			live.key = key;
			live.pts = arr(j.samples).filter(function (s) {
				return Array.isArray(s) && num(s[0]) !== null &&
				    num(s[1]) !== null && num(s[2]) !== null;
			});
		} else {
			/* bwprocs is not running: two counter readings make a rate. */
			if (live.mode !== "proc") {
				live.mode = "proc";
				live.pts = [];
				live.prev = null;
				live.key = null;
			}
			note = str(j.note) || "bwprocs is not running.";
			c = j.counters;
			if (c && num(c.ts) !== null && num(c.rx_bytes) !== null &&
			    num(c.tx_bytes) !== null) {
				if (live.prev && c.ts > live.prev.ts) {
					dts = c.ts - live.prev.ts;
					rx = (c.rx_bytes - live.prev.rx_bytes) * 8 / dts;
					tx = (c.tx_bytes - live.prev.tx_bytes) * 8 / dts;
					if (rx >= 0 && tx >= 0)
						live.pts.push([c.ts, rx, tx]);
					while (live.pts.length &&
					    live.pts[0][0] < c.ts - 120)
						live.pts.shift();
				}
				live.prev = c;
			}
			$("live-src").textContent = "from /proc/net/dev, read by the page";
		}
		$("live-note").hidden = note === null;
		$("live-note").textContent = note || "";
		if (live.pts.length === 0) {
			$("live-now").textContent = "";
			setState("live", "empty", "No live rates for " + S.iface + " yet",
			    (note || "The live file has no samples.") +
			    (live.mode === "proc" ? " The page waits for a second reading of the counters." : ""));
			return;
		}
		last = live.pts[live.pts.length - 1];
		$("live-now").textContent = "RX " + fmtBps(last[1]) + " · TX " +
		    fmtBps(last[2]) + " at " + fmtClock(last[0], true);
		setState("live", "ok");
		drawLive();
	}, function (e) {
		if (gen === S.gen)
			fail("live", e, "No live rates");
	});
}

function drawLive() {
	var p = live.pts, t1, xs;

	if (p.length === 0)
		return;
	t1 = p[p.length - 1][0];
	xs = p.map(function (s) { return s[0]; });
	live.x0 = t1 - 120;
	live.x1 = t1;
	live.xs = xs;
	live.g = timeChart($("live-chart"), {x0: t1 - 120, x1: t1,
	    bridge: 5, series: [
		{xs: xs, ys: p.map(function (s) { return s[1]; }), color: color("--rx"), fill: 0.15},
		{xs: xs, ys: p.map(function (s) { return s[2]; }), color: color("--tx"), fill: 0.1}]});
}

live.text = function (i) {
	var s = live.pts[i];

	return fmtClock(s[0], true) + "\nRX " + fmtBps(s[1]) + "\nTX " + fmtBps(s[2]);
};

/* --- top processes, every 2 s */

var procsKey = null;

function pollProcs() {
	var gen = S.gen;

	return api("procs", {iface: S.iface}, true).then(function (j) {
		var info = [], list, max = 0, ol = $("procs-bars");

		if (gen !== S.gen)
			return;
		if (num(j.coverage) !== null)
			info.push("coverage " + fmtPct(j.coverage));
		info.push(fmtAge(num(j.age_seconds)));
		if (j.capture && num(j.capture.drops))
			info.push(fmtCount(j.capture.drops) + " capture drops");
		if (j.owners)
			info.push(j.owners.source === "bpf" ?
			    "owners from the kernel (eBPF)" : "owners from /proc");
		$("procs-info").textContent = info.join(" · ");
		$("procs-info").title = "coverage: the share of the interface's bytes that bwprocs attributed to processes" +
		    (j.owners ? "\nowners: " + str(j.owners.reason) : "");
		$("procs-note").hidden = !j.stale;
		$("procs-note").className = "note warn";
		$("procs-note").textContent = j.stale ? str(j.note) ||
		    "The procs file is stale: bwprocs is not running." : "";
		$("p-procs").classList.toggle("stale", !!j.stale);
		setState("procs", "ok");
		if (String(j.ts) + j.stale === procsKey)
			return;
		procsKey = String(j.ts) + j.stale;
		/* An entry of the wrong shape has only nulls: nothing to show. */
		list = arr(j.processes).filter(function (p) {
			return p && typeof p === "object" && (str(p.name) ||
			    num(p.rx_bps) !== null || num(p.tx_bps) !== null);
		}).map(function (p) {
			return {p: p, rx: num(p.rx_bps) || 0, tx: num(p.tx_bps) || 0};
		}).sort(function (a, b) {
			return b.rx + b.tx - (a.rx + a.tx);
		}).slice(0, 12);
		list.forEach(function (e) {
			max = Math.max(max, e.rx + e.tx);
		});
		ol.textContent = "";
		if (list.length === 0) {
			ol.append(el("li", {class: "muted"},
			    "No process moved traffic in the last interval."));
			return;
		}
		list.forEach(function (e) {
			var p = e.p, sub = [], name = str(p.name) || "(unknown)";

			if (num(p.pid) !== null && p.pid > 0)
				sub.push("pid " + p.pid);
			if (str(p.user))
				sub.push(p.user);
			else if (num(p.uid) !== null)
				sub.push("uid " + p.uid);
			if (str(p.container))
				sub.push(p.container);
			ol.append(el("li", {class: str(p.kind) === "unattributed" ?
			    "unattributed" : null, title: str(p.cmdline) || name},
			    el("span", {class: "name"}, name,
			    sub.length ? el("small", null, sub.join(" · ")) : null),
			    el("span", {class: "val"}, "RX " + fmtBps(e.rx) + " · TX " + fmtBps(e.tx)),
			    el("span", {class: "track"},
			    el("span", {class: "r", style: "width:" + (max ? e.rx / max * 100 : 0).toFixed(2) + "%"}),
			    el("span", {class: "t", style: "width:" + (max ? e.tx / max * 100 : 0).toFixed(2) + "%"}))));
		});
	}, function (e) {
		if (gen !== S.gen)
			return;
		procsKey = null;
		$("procs-info").textContent = "";
		if (e instanceof ApiError && e.status === 404) {
			setState("procs", "empty", "No process data for " + S.iface,
			    (e.body.error ? e.body.error + ". " : "") +
			    (e.body.hint || "bwprocs writes it while it runs.") +
			    " Until then the other panels show the interface's totals only.");
			return;
		}
		fail("procs", e);
	});
}

/* --- stat cards: the last 24 hours */

function card(title, rows, foot) {
	return el("div", {class: "card"}, el("h3", null, title),
	    rows.map(function (r) {
		return el("span", {class: "v", title: r[2] || null},
		    el("small", null, r[0]), r[1]);
	    }).reduce(function (f, n) { f.append(n); return f; },
	    document.createDocumentFragment()),
	    foot ? el("span", {class: "muted"}, foot) : null);
}

function renderStats(j) {
	var st = j.stats || {}, rx = st.rx || {}, tx = st.tx || {}, info = [];
	var box = $("stats-cards");

	if (!num(st.samples)) {
		setState("stats", "empty", "No samples in the last 24 hours",
		    newestRowText() + "bwcollect appends one row every 5 minutes from cron (/etc/cron.d/bwmon).");
		return;
	}
	info.push(fmtCount(st.samples) + " samples");
	if (num(st.gaps))
		info.push(st.gaps + (st.gaps === 1 ? " gap" : " gaps"));
	if (num(j.spikes) !== null)
		info.push(j.spikes + (j.spikes === 1 ? " spike" : " spikes"));
	if (num(j.alerts) !== null)
		info.push(j.alerts + (j.alerts === 1 ? " alert" : " alerts"));
	$("stats-info").textContent = info.join(" · ");
	box.textContent = "";
	box.append(
	    card("Peak", [["RX", fmtBps(rx.peak_bps)], ["TX", fmtBps(tx.peak_bps)]]),
	    card("Average", [["RX", fmtBps(rx.avg_bps)], ["TX", fmtBps(tx.avg_bps)]]),
	    card("95th percentile", [["RX", fmtBps(rx.p95_bps)], ["TX", fmtBps(tx.p95_bps)]]),
	    card("Total", [["RX", fmtBytes(rx.bytes), fmtCount(rx.bytes) + " bytes"],
		["TX", fmtBytes(tx.bytes), fmtCount(tx.bytes) + " bytes"]],
		"together " + fmtBytes((num(rx.bytes) || 0) + (num(tx.bytes) || 0))));
	box.lastChild.dataset.bytes = String((num(rx.bytes) || 0) + (num(tx.bytes) || 0));
	setState("stats", "ok");
}

function newestRowText() {
	var f = ifaceInfo();

	if (f && num(f.last_row) !== null)
		return "The newest row of the history is from " + fmtFull(f.last_row) + ". ";
	return "";
}

/* --- the history chart with its spike markers */

var hist = {j: null, spikes: [], g: null, key: null};

/*
 * The history and what is computed from it, every minute, one request
 * after the other; sooner again when the server did not answer.
 */
function pollSlow() {
	var gen = S.gen, down = false;

	function note(e) {
		if (e instanceof ApiError && e.status === 0)
			down = true;
	}
	return api("history", {iface: S.iface, range: "24h"}).then(function (j) {
		if (gen === S.gen)
			renderStats(j);
	}, function (e) {
		note(e);
		if (gen === S.gen)
			fail("stats", e, "No history");
	}).then(function () {
		return loadHistory(note);
	}).then(function () {
		return loadHeatmap(note);
	}).then(function () {
		return api("totals", {iface: S.iface});
	}).then(function (j) {
		if (gen === S.gen) {
			totals.j = j;
			renderTotals();
		}
	}, function (e) {
		note(e);
		if (gen === S.gen)
			fail("totals", e, "No totals");
	}).then(function () {
		return down ? 5000 : 60000;
	});
}

function loadHistory(note) {
	var gen = S.gen, range = S.range;

	return Promise.all([
		api("history", {iface: S.iface, range: range}),
		api("spikes", {iface: S.iface, range: range}).catch(function (e) {
			if (!(e instanceof ApiError))
				throw e;
			return e;
		})
	]).then(function (r) {
		if (gen !== S.gen || range !== S.range)
			return;
		hist.j = r[0];
		hist.spikesErr = r[1] instanceof ApiError ? r[1] : null;
		hist.sp = r[1] instanceof ApiError ? null : r[1];
		renderHistory();
		return loadStack();
	}, function (e) {
		if (note)
			note(e);
		if (gen === S.gen && range === S.range)
			fail("history", e, "No history");
	});
}

function renderHistory() {
	var j = hist.j, st = j.stats || {}, note = $("hist-note"), sp = hist.sp;
	var info, key, b = arr(j.buckets), bs = num(j.bucket_seconds) || 300;

	if (!num(st.samples)) {
		$("hist-info").textContent = "";
		setState("history", "empty", "No samples in " + RANGE_WORDS[S.range],
		    newestRowText() + "Pick a longer range, or check that bwcollect runs (cron, every 5 minutes).");
		return;
	}
	info = fmtCount(st.samples) + " samples in " + b.length + " buckets of " +
	    fmtDur(bs) + " · average RX " + fmtBps(st.rx && st.rx.avg_bps) +
	    ", TX " + fmtBps(st.tx && st.tx.avg_bps);
	$("hist-info").textContent = info;
	note.className = "note";
	note.textContent = "";
	if (hist.spikesErr) {
		if (hist.spikesErr.status === 404) {
			note.append("No spike markers: ");
			appendHint(note, (hist.spikesErr.body.error || "no spike log") +
			    (hist.spikesErr.body.hint ? ". " + hist.spikesErr.body.hint : ""));
		} else
			note.append("Spikes unavailable: " + hist.spikesErr.message);
	} else if (sp) {
		note.append(num(sp.count) ? sp.count + (sp.count === 1 ? " spike" : " spikes") +
		    " in " + RANGE_WORDS[S.range] + (sp.truncated ?
		    " (the " + arr(sp.spikes).length + " largest are marked)" : "") +
		    ": select a marker for who caused it." :
		    "No spike in " + RANGE_WORDS[S.range] + ".");
	}
	setState("history", "ok");
	key = S.range + ":" + st.last + ":" + b.length + ":" + (sp ? sp.count : "-");
	if (key === hist.key && hist.g)
		return;
	hist.key = key;
	drawHistory();
}

function drawHistory() {
	var j = hist.j, b, bs, xs, g, box = $("hist-markers"), x0, x1, sk;

	if (!j || $("p-history").dataset.state !== "ok")
		return;
	b = arr(j.buckets);
	bs = num(j.bucket_seconds) || 300;
	xs = b.map(function (k) { return k.ts + bs / 2; });
	x0 = num(j.from) !== null ? j.from : xs[0] - bs / 2;
	x1 = num(j.to) !== null ? j.to : xs[xs.length - 1] + bs / 2;
	if (b.length) {
		x0 = Math.min(x0, b[0].ts);
		x1 = Math.max(x1, b[b.length - 1].ts + bs);
	}
	function ys(k) {
		return b.map(function (e) { return num(e[k]); });
	}
	hist.xs = xs;
	hist.x0 = x0;
	hist.x1 = x1;
	/* Empty buckets up to an hour are bridged: a late row covers them. */
	sk = stackSeries();
	g = hist.g = timeChart($("hist-chart"), {x0: x0, x1: x1, top: 24,
	    step: sk ? num(stack.j.buckets.seconds) : bs, bridge: 3600, series: sk || [
		{xs: xs, ys: ys("rx_peak_bps"), color: color("--pk"), width: 1},
		{xs: xs, ys: ys("tx_peak_bps"), color: color("--pk"), width: 1},
		{xs: xs, ys: ys("rx_avg_bps"), color: color("--rx"), fill: 0.18},
		{xs: xs, ys: ys("tx_avg_bps"), color: color("--tx"), fill: 0.12}]});
	drawSel();
	box.textContent = "";
	if (g === null || !hist.sp)
		return;
	arr(hist.sp.spikes).forEach(function (s) {
		var ts = num(s.ts), x;

		if (ts === null || ts < x0 || ts > x1)
			return;
		x = g.X(ts);
		box.append(el("button", {type: "button", class: "marker" +
		    (S.spikeTs === spikeId(ts) ? " sel" : ""), "data-ts": spikeId(ts),
		    style: "left:" + x.toFixed(1) + "px",
		    title: "Spike " + fmtWhen(ts, true) + ": " + fmtBps(s.total_bps) +
		    " (RX " + fmtBps(s.rx_bps) + ", TX " + fmtBps(s.tx_bps) + ")" +
		    (str(s.top) ? ", top: " + s.top : ""),
		    "aria-label": "Spike at " + fmtWhen(ts, true)}));
	});
}

/* --- the history's top owners, stacked (/api/top&buckets=) */

var stack = {j: null, err: null};

/* The fold row of a stack: drawn in the peak colour. */
function isFold(name) {
	return name === "[other owners]" || name === "[other hosts]";
}

function loadStack() {
	var gen = S.gen, range = S.range, by = S.stack;

	if (!S.stack) {
		stack.j = stack.err = null;
		renderStackInfo();
		return Promise.resolve();
	}
	/* An answer (or error) for a range or kind no longer shown is dropped. */
	function settle(j, e) {
		if (gen !== S.gen || range !== S.range || by !== S.stack)
			return;
		stack.j = j;
		stack.err = e;
		renderStackInfo();
		drawHistory();
	}
	return api("top", {iface: S.iface, by: by, range: range, n: 5, buckets: 150}).then(function (j) {
		settle(j, null);
	}, function (e) {
		if (!(e instanceof ApiError))
			throw e;
		settle(null, e);
	});
}

/* Each owner's rate per bucket, stacked, the busiest lowest; or null. */
function stackSeries() {
	var b = S.stack && stack.j ? stack.j.buckets : null, sec, xs, cum, out = [];

	if (!b || !arr(b.start).length)
		return null;
	sec = num(b.seconds) || 300;
	xs = arr(b.start).map(function (t) { return t + sec / 2; });
	cum = xs.map(function () { return 0; });
	arr(b.series).forEach(function (s, i) {
		out.push({xs: xs, ys: arr(s.bytes).map(function (v, k) {
			cum[k] += (num(v) || 0) * 8 / sec;
			return cum[k];
		}), color: color(isFold(str(s.name)) ? "--pk" : "--s" + i % 6),
		    fill: 0.85, width: 1});
	});
	/* The top layer first: each fills down to the axis over the last. */
	return out.reverse();
}

function renderStackInfo() {
	var box = $("hist-stack-legend"), b = stack.j && stack.j.buckets;

	$("hist-stack").setAttribute("aria-pressed", S.stack === "program" ? "true" : "false");
	$("hist-stack-hosts").setAttribute("aria-pressed", S.stack === "host" ? "true" : "false");
	box.textContent = "";
	box.hidden = !(S.stack && b);
	$("hist-legend").hidden = !box.hidden;
	$("hist-chart").dataset.stacked = S.stack && b ? String(arr(b.series).length) : "0";
	if (!S.stack)
		return;
	if (stack.err) {
		box.hidden = false;
		appendHint(box, "Nothing to stack: " + (stack.err.body.error || stack.err.message) +
		    (stack.err.body.hint ? ". " + stack.err.body.hint : ""));
		return;
	}
	if (!b)
		return;
	arr(b.series).forEach(function (s, i) {
		box.append(el("span", {class: "key " + (isFold(str(s.name)) ? "so" : "s" + i % 6)},
		    str(s.name) || "(unknown)"));
	});
	box.append(el("span", {class: "muted"}, "rate per " + fmtDur(num(b.seconds)) +
	    ", from the " + (S.stack === "host" ? "host" : "owner") + " history"));
}

/* --- picking a window of the history: #sel=FROM-TO */

function hashParam(k) {
	return new URLSearchParams(location.hash.slice(1)).get(k);
}

function hashSel() {
	var m = /^(\d{1,11})-(\d{1,11})$/.exec(hashParam("sel") || "");

	return m && +m[1] < +m[2] ? {from: +m[1], to: +m[2]} : null;
}

/* Pick [from, to): kept in the address, so the view can be linked. */
function setSel(from, to) {
	var q = new URLSearchParams(location.hash.slice(1));

	q.set("sel", Math.floor(from) + "-" + Math.ceil(to));
	history.replaceState(null, "", location.pathname + location.search + "#" + q.toString());
	openWho(true).catch(report);
}

/* The band over the chart that shows the picked window. */
function drawSel() {
	var b = $("hist-sel"), g = hist.g, s = S.sel, x0, x1;

	if (!g || !s || s.to <= hist.x0 || s.from >= hist.x1) {
		b.hidden = true;
		return;
	}
	x0 = Math.max(g.L, g.X(s.from));
	x1 = Math.min(g.R, g.X(s.to));
	b.hidden = false;
	b.style.left = x0.toFixed(1) + "px";
	b.style.width = Math.max(2, x1 - x0).toFixed(1) + "px";
	b.dataset.from = String(s.from);
	b.dataset.to = String(s.to);
}

/* The time under a pointer on the history chart. */
function chartTime(ev) {
	var g = hist.g, r = $("hist-chart").getBoundingClientRect();
	var x = Math.min(Math.max(ev.clientX - r.left, g.L), g.R);

	return hist.x0 + (x - g.L) / (g.R - g.L) * (hist.x1 - hist.x0);
}

/* [a, b] widened to the chart's buckets; a click (a = b) is its bucket. */
function snap(a, b) {
	var bs = num(hist.j.bucket_seconds) || 300, bk = arr(hist.j.buckets);
	var o = bk.length ? bk[0].ts : 0, f, t;

	f = o + Math.floor((a - o) / bs) * bs;
	t = o + Math.ceil((b - o) / bs) * bs;
	return {from: f, to: t > f ? t : f + bs};
}

/* Drag across the chart (or click it) to pick a window. */
function pickWindow(cv) {
	var drag = null;

	cv.addEventListener("pointerdown", function (ev) {
		if (!hist.g || !hist.j || ev.button !== 0)
			return;
		drag = {x: ev.clientX, t: chartTime(ev)};
		cv.setPointerCapture(ev.pointerId);
	});
	cv.addEventListener("pointermove", function (ev) {
		var t;

		if (!drag || Math.abs(ev.clientX - drag.x) < 4)
			return;
		t = chartTime(ev);
		S.sel = snap(Math.min(drag.t, t), Math.max(drag.t, t));
		drawSel();
	});
	cv.addEventListener("pointerup", function (ev) {
		var d = drag, t, s;

		if (!d)
			return;
		drag = null;
		t = Math.abs(ev.clientX - d.x) < 4 ? d.t : chartTime(ev);
		s = snap(Math.min(d.t, t), Math.max(d.t, t));
		setSel(s.from, s.to);
	});
	cv.addEventListener("pointercancel", function () {
		drag = null;
		S.sel = hashSel();
		drawSel();
	});
}

/* --- who used the picked window: /api/top */

var who = {key: null};
var BYS = [["program", "Programs"], ["user", "Users"], ["unit", "Units"],
    ["container", "Containers"], ["remote", "Remote ends"], ["host", "Hosts"]];

function openWho(scroll) {
	var sel = hashSel(), p = $("p-who"), gen = S.gen, by = S.whoBy, key;

	S.sel = sel;
	drawSel();
	if (sel === null) {
		p.hidden = true;
		p.dataset.state = "closed";
		who.key = null;
		return Promise.resolve();
	}
	p.hidden = false;
	$("who-when").textContent = fmtWhen(sel.from) + " → " +
	    (fmtDay(sel.to) === fmtDay(sel.from) ? fmtClock(sel.to) : fmtWhen(sel.to)) +
	    " (" + fmtDur(sel.to - sel.from) + ")";
	if (scroll)
		p.scrollIntoView({block: "nearest"});
	key = S.iface + " " + sel.from + " " + sel.to + " " + by;
	if (S.iface === null || key === who.key)
		return Promise.resolve();
	who.key = key;
	setState("who", "loading", "Loading who used that time…");
	return api("top", {iface: S.iface, by: by, from: sel.from, to: sel.to, n: 15}).then(function (j) {
		if (gen === S.gen && key === who.key)
			renderWho(j);
	}, function (e) {
		if (gen !== S.gen || key !== who.key)
			return;
		who.key = null;
		fail("who", e, by === "host" ? "No host history" : "No owner history");
	});
}

function renderWho(j) {
	var ol = $("who-bars"), rows = arr(j.rows), first = num(j.first), info = [], max = 0;

	ol.textContent = "";
	var what = j.by === "host" ? "host" : "owner";

	if (!num(j.rows_read)) {
		$("who-info").textContent = "";
		setState("who", "empty", "No " + what + " data in this window", first !== null && first >= j.to ?
		    "The " + what + " history of " + S.iface + " starts " + fmtFull(first) + "." :
		    "bwprocs recorded no " + (what === "host" ? "device" : "owner") +
		    " in it: it was not running, or nothing moved.");
		return;
	}
	info.push("RX " + fmtBytes(j.rx_bytes) + " · TX " + fmtBytes(j.tx_bytes) +
	    " · total " + fmtBytes(j.total_bytes));
	if (what === "owner")
		info.push("coverage " + fmtPct(j.coverage));
	info.push("resolution " + fmtDur(j.resolution_seconds));
	if (first !== null && first > j.from)
		info.push("the " + what + " history starts " + fmtFull(first));
	$("who-info").textContent = info.join(" · ");
	$("who-info").title = "shares are of the bytes bwprocs counted; coverage: the share it tied to processes";
	rows.forEach(function (r) {
		max = Math.max(max, num(r && r.total_bytes) || 0);
	});
	rows.forEach(function (r) {
		var name = str(r && r.name) || "(unknown)", sub = [];
		var rx = num(r.rx_bytes) || 0, tx = num(r.tx_bytes) || 0;

		if (num(r.pid) !== null)
			sub.push("pid " + r.pid);
		if (str(r.program) && r.program !== name)
			sub.push(r.program);
		if (str(r.cmdline))
			sub.push(r.cmdline);
		if (str(r.id) && r.id !== name)
			sub.push(r.id);
		ol.append(el("li", {class: name.charAt(0) === "[" ? "unattributed" : null,
		    title: str(r.cmdline) || name, "data-bytes": r.total_bytes},
		    el("span", {class: "name"}, name, sub.length ? el("small", null, sub.join(" · ")) : null),
		    el("span", {class: "val"}, fmtBytes(r.total_bytes) + " · " + fmtPct(r.share)),
		    el("span", {class: "track"},
		    el("span", {class: "r", style: "width:" + (max ? rx / max * 100 : 0).toFixed(2) + "%"}),
		    el("span", {class: "t", style: "width:" + (max ? tx / max * 100 : 0).toFixed(2) + "%"}))));
	});
	setState("who", "ok");
}

/* --- hosts: a router's LAN devices, when the interface has host files */

var HOSTS_TABS = [["now", "Now"], ["24h", "24 h"], ["7d", "7 d"], ["30d", "30 d"]];
var hostsKey = null;

/* Whether the interface has host files: /api/ifaces lists them. */
function hostsFiles() {
	var f = ifaceInfo(), files = f && f.files || {};

	return {live: !!files.hosts, hist: !!(files.hostlog ||
	    files.hostlog_hourly || files.hostlog_daily)};
}

/*
 * A bar of the Hosts panel: a device, its figures, RX and TX tracks;
 * with an id, a click (or Enter) charts the device's history.
 */
function hostBar(name, sub, val, rx, tx, max, title, id) {
	return el("li", {class: id ? "pick" + (id === S.host ? " sel" : "") :
	    name.charAt(0) === "[" ? "unattributed" : null, title: title,
	    "data-id": id || null, tabindex: id ? "0" : null, role: id ? "button" : null,
	    "aria-pressed": id ? (id === S.host ? "true" : "false") : null},
	    el("span", {class: "name"}, name, sub ? el("small", null, sub) : null),
	    el("span", {class: "val"}, val),
	    el("span", {class: "track"},
	    el("span", {class: "r", style: "width:" + (max ? rx / max * 100 : 0).toFixed(2) + "%"}),
	    el("span", {class: "t", style: "width:" + (max ? tx / max * 100 : 0).toFixed(2) + "%"})));
}

function pollHosts() {
	var gen = S.gen, p = $("p-hosts"), has = hostsFiles(), key;

	p.hidden = !has.live && !has.hist;
	$("who-by").querySelector("[data-v=host]").hidden = !has.hist;
	$("hist-stack-hosts").hidden = !has.hist;
	if (p.hidden) {
		p.dataset.state = "closed";
		hostsKey = null;
		return;
	}
	loadHostChart().catch(report);
	if (S.hostsTab !== "now") {
		key = S.iface + " " + S.hostsTab;
		if (key === hostsKey)
			return;
		hostsKey = key;
		return api("top", {iface: S.iface, by: "host", range: S.hostsTab,
		    n: S.hostsTop}).then(function (j) {
			if (gen === S.gen && key === hostsKey)
				renderHostsRange(j);
		}, function (e) {
			if (gen !== S.gen || key !== hostsKey)
				return;
			hostsKey = null;
			hostsClear();
			fail("hosts", e, "No host history");
		});
	}
	return api("hosts", {iface: S.iface}, true).then(function (j) {
		if (gen === S.gen && S.hostsTab === "now")
			renderHostsNow(j);
	}, function (e) {
		if (gen !== S.gen || S.hostsTab !== "now")
			return;
		hostsClear();
		fail("hosts", e, "No LAN devices now");
	});
}

function hostsClear() {
	$("hosts-info").textContent = "";
	$("hosts-bars").textContent = "";
	$("hosts-total").textContent = "";
	$("hosts-note").hidden = true;
}

/* The devices now: rates, busiest first, the top hosts_top. */
function renderHostsNow(j) {
	var ol = $("hosts-bars"), all, list, max = 0, rx = 0, tx = 0, notes = [];

	if (num(j.top) !== null && j.top > 0)
		S.hostsTop = j.top;
	all = arr(j.hosts).filter(function (h) {
		return h && typeof h === "object" && str(h.id);
	}).map(function (h) {
		return {h: h, rx: num(h.rx_bps) || 0, tx: num(h.tx_bps) || 0,
		    b: (num(h.rx_bytes) || 0) + (num(h.tx_bytes) || 0)};
	});
	all.forEach(function (e) {
		rx += e.rx;
		tx += e.tx;
	});
	list = all.sort(function (a, b) {
		return b.rx + b.tx - (a.rx + a.tx) || b.b - a.b;
	}).slice(0, S.hostsTop);
	list.forEach(function (e) {
		max = Math.max(max, e.rx + e.tx);
	});
	$("hosts-info").textContent = fmtCount(all.length) + (all.length === 1 ?
	    " device" : " devices") + " · RX " + fmtBps(rx) + " · TX " + fmtBps(tx) +
	    " · " + fmtAge(num(j.age_seconds));
	if (j.stale)
		notes.push(str(j.note) || "The hosts file is stale: bwprocs is not counting.");
	if (str(j.offload))
		notes.push(j.offload_counted === true ?
		    "Offload: " + j.offload + "; its flows are counted from conntrack." :
		    "Offload: " + j.offload + " hides bytes from the counting.");
	$("hosts-note").hidden = notes.length === 0;
	$("hosts-note").textContent = notes.join(" ");
	$("p-hosts").classList.toggle("stale", !!j.stale);
	ol.textContent = "";
	list.forEach(function (e) {
		var h = e.h, name = str(h.label) || h.id, sub = arr(h.addrs).filter(function (a) {
			return typeof a === "string" && a !== name;
		});

		if (str(h.mac) && sub.indexOf(h.mac) < 0)
			sub.push(h.mac);
		ol.append(hostBar(name, sub.join(" · "),
		    "RX " + fmtBps(e.rx) + " · TX " + fmtBps(e.tx), e.rx, e.tx, max,
		    "received " + fmtBytes(h.rx_bytes) + ", sent " + fmtBytes(h.tx_bytes) +
		    " since counting began; click for its history", h.id));
	});
	if (list.length === 0)
		ol.append(el("li", {class: "muted"}, "No device has moved a byte through the router yet."));
	$("hosts-total").textContent = (all.length > list.length ? "The busiest " +
	    list.length + " of " + all.length + " shown. " : "") +
	    "Since counting began: the devices received " + fmtBytes(j.rx_bytes) +
	    " and sent " + fmtBytes(j.tx_bytes) + " through the router (IP bytes).";
	setState("hosts", "ok");
}

/* The bytes of each device over a range, from the host history. */
function renderHostsRange(j) {
	var ol = $("hosts-bars"), rows = arr(j.rows), max = 0;

	$("hosts-note").hidden = true;
	$("p-hosts").classList.remove("stale");
	ol.textContent = "";
	if (!num(j.rows_read)) {
		hostsClear();
		setState("hosts", "empty", "No device moved bytes in " +
		    RANGE_WORDS[S.hostsTab], "bwprocs keeps the host history while it counts.");
		return;
	}
	$("hosts-info").textContent = RANGE_WORDS[S.hostsTab] + " · resolution " +
	    fmtDur(j.resolution_seconds);
	rows.forEach(function (r) {
		max = Math.max(max, num(r && r.total_bytes) || 0);
	});
	rows.forEach(function (r) {
		var name = str(r && r.name) || "(unknown)";

		ol.append(hostBar(name, str(r.id) && r.id !== name ? r.id : "",
		    fmtBytes(r.total_bytes) + " · " + fmtPct(r.share),
		    num(r.rx_bytes) || 0, num(r.tx_bytes) || 0, max,
		    "received " + fmtBytes(r.rx_bytes) + ", sent " + fmtBytes(r.tx_bytes) +
		    (str(r.id) ? "; click for its history" : ""), str(r.id) || null));
	});
	$("hosts-total").textContent = "In total: RX " + fmtBytes(j.rx_bytes) + " · TX " +
	    fmtBytes(j.tx_bytes) + " · " + fmtBytes(j.total_bytes) +
	    " (RX: what the devices received through the router).";
	setState("hosts", "ok");
}

/* --- one device's history: /api/top?by=host&host=ID&buckets= */

var hostHist = {key: null, j: null, err: null, g: null, xs: [], sec: 300, s: null};

/* The device chart's range: the Hosts panel's, the last 24 h for Now. */
function hostRange() {
	return S.hostsTab !== "now" ? S.hostsTab : "24h";
}

/* Chart the device id (again: close it), or none. */
function pickHost(id) {
	S.host = id === S.host ? null : id;
	$("hosts-bars").querySelectorAll("li.pick").forEach(function (li) {
		var on = li.dataset.id === S.host;

		li.classList.toggle("sel", on);
		li.setAttribute("aria-pressed", on ? "true" : "false");
	});
	hostHist.key = null;
	setUrl();
	loadHostChart().catch(report);
}

/* Fetch the chosen device's buckets when the device or range changed. */
function loadHostChart() {
	var gen = S.gen, id = S.host, range = hostRange(), key;

	if (!id || !hostsFiles().hist) {
		$("host-hist").hidden = true;
		hostHist.key = null;
		hostHist.j = hostHist.err = hostHist.g = null;
		return Promise.resolve();
	}
	/* Again each minute: the history grows every owners_interval. */
	key = S.iface + " " + range + " " + id + " " + Math.floor(Date.now() / 60000);
	if (key === hostHist.key)
		return Promise.resolve();
	hostHist.key = key;
	$("host-hist").hidden = false;
	return api("top", {iface: S.iface, by: "host", host: id, range: range,
	    buckets: 150}).then(function (j) {
		if (gen !== S.gen || key !== hostHist.key)
			return;
		hostHist.j = j;
		hostHist.err = null;
		drawHostChart();
	}, function (e) {
		if (!(e instanceof ApiError))
			throw e;
		if (gen !== S.gen || key !== hostHist.key)
			return;
		hostHist.j = null;
		hostHist.err = e;
		drawHostChart();
	});
}

/* The device's received and sent rates per bucket over the range. */
function drawHostChart() {
	var j = hostHist.j, cv = $("host-chart"), b, s, row, sec, xs, rx = 0, tx = 0,
	    name, x0, x1, e = hostHist.err;

	hostHist.g = null;
	if (!S.host || $("host-hist").hidden)
		return;
	if (e) {
		$("host-hist-info").textContent = "No history for " + S.host + ": " +
		    ((e.body && e.body.error) || e.message);
		cv.dataset.points = "0";
		return;
	}
	if (!j)
		return;
	b = j.buckets || {};
	s = arr(b.series)[0] || null;
	row = arr(j.rows)[0] || null;
	sec = num(b.seconds) || 300;
	xs = arr(b.start).map(function (t) { return t + sec / 2; });
	x0 = arr(b.start).length ? b.start[0] : num(j.from);
	x1 = num(j.to);
	function rate(k) {
		return xs.map(function (x, i) {
			var v = s ? num(arr(s[k])[i]) || 0 : 0;

			if (k === "rx_bytes")
				rx += v;
			else
				tx += v;
			return v * 8 / sec;
		});
	}
	hostHist.xs = xs;
	hostHist.sec = sec;
	hostHist.s = s;
	hostHist.g = timeChart(cv, {x0: x0, x1: x1, top: 24, step: sec, bridge: 3600,
	    series: [{xs: xs, ys: rate("rx_bytes"), color: color("--rx"), fill: 0.18},
	    {xs: xs, ys: rate("tx_bytes"), color: color("--tx"), fill: 0.12}]});
	cv.dataset.points = s ? String(xs.length) : "0";
	cv.dataset.rx = String(rx);
	cv.dataset.tx = String(tx);
	name = row ? str(row.name) || S.host : S.host;
	$("host-hist-info").textContent = name + (name !== S.host ? " (" + S.host + ")" : "") +
	    " · " + RANGE_WORDS[hostRange()] + (s ? " · received " + fmtBytes(rx) +
	    " · sent " + fmtBytes(tx) + " · rate per " + fmtDur(sec) :
	    ": no byte moved");
}

hostHist.text = function (i) {
	var s = hostHist.s, sec = hostHist.sec;

	return fmtWhen(hostHist.xs[i] - sec / 2) + " (" + fmtDur(sec) + "): RX " +
	    fmtBps((num(arr(s && s.rx_bytes)[i]) || 0) * 8 / sec) + " · TX " +
	    fmtBps((num(arr(s && s.tx_bytes)[i]) || 0) * 8 / sec);
};

/* A bucket of whole days: the server's days it holds, and the zone. */
function histDays(t, bs) {
	var z = srvZone(S.ifaces);

	return fmtSrvDay(t, z) + (bs > 86400 ? " – " + fmtSrvDay(t + bs - 86400, z) : "") +
	    (z ? " (server's " + (bs > 86400 ? "days" : "day") + ", " + fmtZone(z) + ")" : "");
}

hist.text = function (i) {
	var e = hist.j.buckets[i], bs = hist.j.bucket_seconds;

	return (bs >= 86400 ? histDays(e.ts, bs) : fmtWhen(e.ts) + " – " + fmtClock(e.ts + bs)) + "\n" +
	    (num(e.rx_avg_bps) === null ? "no sample" :
	    "RX avg " + fmtBps(e.rx_avg_bps) + ", peak " + fmtBps(e.rx_peak_bps) +
	    "\nTX avg " + fmtBps(e.tx_avg_bps) + ", peak " + fmtBps(e.tx_peak_bps)) +
	    "\n" + fmtBytes(e.rx_bytes) + " in, " + fmtBytes(e.tx_bytes) + " out";
};

/* A spike's ts as /api/spike takes it: at most 6 decimals. */
function spikeId(ts) {
	var s = String(ts);

	return /^\d+(\.\d{1,6})?$/.test(s) ? s : ts.toFixed(6).replace(/\.?0+$/, "");
}

/* --- the forensic panel of one spike, opened by #spike=TS */

function hashSpike() {
	var v = hashParam("spike");

	return v !== null && /^[0-9.]+$/.test(v) ? v : null;
}

function openSpike() {
	var ts = hashSpike(), gen = S.gen, p = $("p-spike");

	S.spikeTs = ts;
	document.querySelectorAll(".marker").forEach(function (m) {
		m.classList.toggle("sel", m.dataset.ts === ts);
	});
	if (ts === null) {
		p.hidden = true;
		p.dataset.state = "closed";
		return Promise.resolve();
	}
	p.hidden = false;
	$("spike-when").textContent = "";
	if (!/^\d{1,12}(\.\d{1,6})?$/.test(ts)) {
		setState("spike", "error", "Not a spike time: " + ts,
		    "The address names a spike as #spike=EPOCH-SECONDS.");
		return Promise.resolve();
	}
	setState("spike", "loading", "Loading the spike at " + fmtFull(+ts) + "…");
	return api("spike", {iface: S.iface, ts: ts}).then(function (j) {
		if (gen === S.gen && ts === S.spikeTs)
			renderSpike(j.spike || {});
	}, function (e) {
		if (gen === S.gen && ts === S.spikeTs)
			fail("spike", e, "No spike at " + fmtFull(+ts));
	});
}

function table(head, rows, numeric) {
	var t = el("table"), tr = el("tr");

	head.forEach(function (h, i) {
		tr.append(el("th", {class: numeric[i] ? "n" : null}, h));
	});
	t.append(el("thead", null, tr));
	tr = el("tbody");
	rows.forEach(function (r) {
		var row = el("tr");

		r.forEach(function (c, i) {
			row.append(el("td", {class: numeric[i] ? "n" : null}, c));
		});
		tr.append(row);
	});
	t.append(tr);
	return t;
}

function section(title, body, cls) {
	return el("div", {class: cls || null}, el("h3", {class: "t"}, title), body);
}

function missing(text) {
	return el("p", {class: "muted"}, text);
}

function hostPort(a, p) {
	a = str(a);
	if (a.indexOf(":") >= 0)
		a = "[" + a + "]";
	return num(p) !== null ? a + ":" + p : a;
}

function renderSpike(s) {
	var body = $("spike-body"), sum, top = arr(s.top), ifr = s.iface_rates;
	var flows = arr(s.top_flows), ifrows = [], ratio;

	$("spike-when").textContent = fmtFull(s.ts) + (str(s.iface) ? " on " + s.iface : "");
	body.textContent = "";
	ratio = num(s.total_bps) && num(s.avg_bps) ? s.total_bps / s.avg_bps : null;
	sum = el("p", {class: "spike-sum"},
	    el("span", null, "Total ", el("b", null, fmtBps(s.total_bps))),
	    el("span", null, "RX ", el("b", null, fmtBps(s.rx_bps))),
	    el("span", null, "TX ", el("b", null, fmtBps(s.tx_bps))),
	    el("span", null, "usual ", el("b", null, fmtBps(s.avg_bps)),
	    ratio ? " (" + fmtRatio(ratio) + ")" : null),
	    str(s.trigger) ? el("span", null, "trigger ", el("b", null, s.trigger)) : null,
	    el("span", {title: "the share of the interface's bytes attributed to processes"},
	    "coverage ", el("b", null, num(s.coverage) !== null ? fmtPct(s.coverage) :
	    "not recorded")));
	body.append(sum);
	if (ifr && typeof ifr === "object")
		Object.keys(ifr).sort().forEach(function (k) {
			var v = ifr[k] || {};

			ifrows.push([k, fmtBps(v.rx_bps), fmtBps(v.tx_bps)]);
		});
	body.append(el("div", {class: "spike-cols"},
	    section("Processes", top.length ? table(["Process", "PID", "User", "RX", "TX"],
		top.map(function (p) {
			p = p || {};
			return [str(p.name) || "(unknown)", num(p.pid) !== null ? String(p.pid) : "",
			    str(p.user) || (num(p.uid) !== null ? "uid " + p.uid : ""),
			    fmtBps(p.rx_bps), fmtBps(p.tx_bps)];
		}), [0, 1, 0, 1, 1]) :
		missing("No process was recorded: bwprocs attributed none of this traffic.")),
	    section("Interfaces", ifrows.length ? table(["Interface", "RX", "TX"], ifrows, [0, 1, 1]) :
		missing("The record has no interface breakdown.")),
	    section("Flows" + (str(s.conntrack) && s.conntrack !== "ok" ? " (conntrack " + s.conntrack +
		")" : ""), flows.length ? table(["Proto", "Source", "Destination", "Process", "State",
		"Spike bytes", "Lifetime bytes", "Packets"],
		flows.map(function (f) {
			f = f || {};
			return [str(f.proto) + (str(f.family) ? " (" + f.family + ")" : ""),
			    hostPort(f.src, f.sport), hostPort(f.dst, f.dport),
			    str(f.name) ? f.name + " " + f.pid : "", str(f.state) || "–",
			    num(f.window_bytes) !== null ? fmtBytes(f.window_bytes) : "–",
			    num(f.bytes) !== null ? fmtBytes(f.bytes) : "–",
			    num(f.packets) !== null ? fmtCount(f.packets) : "–"];
		}), [0, 0, 0, 0, 0, 1, 1, 1]) :
		missing("No flow was recorded."), "full")));
	body.querySelectorAll("table").forEach(function (t) {
		t.parentNode.classList.add("scroll");
	});
	setState("spike", "ok");
}

/* --- heatmap and distribution */

var heat = {j: null};

function loadHeatmap(note) {
	var gen = S.gen, range = S.heatRange;

	return api("heatmap", {iface: S.iface, range: range}).then(function (j) {
		if (gen !== S.gen || range !== S.heatRange)
			return;
		heat.j = j;
		renderHeatmap();
		renderDist();
	}, function (e) {
		if (note)
			note(e);
		if (gen !== S.gen || range !== S.heatRange)
			return;
		fail("heatmap", e, "No heatmap");
		fail("dist", e, "No distribution");
	});
}

function hexRgb(c) {
	var m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(c);

	return m ? [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)] :
	    [128, 128, 128];
}

function renderHeatmap() {
	var j = heat.j, grid = $("heat-grid"), days = arr(j.days), lo = Infinity;
	var hi = 0, cells = [], d, h, v, a, b, t, n = 0, dir = S.heatDir;
	var rx = arr(j.rx_avg_bps), tx = arr(j.tx_avg_bps), cs = arr(j.cell_samples);

	for (d = 0; d < 7; d++)
		for (h = 0; h < 24; h++) {
			a = num(arr(rx[d])[h]);
			b = num(arr(tx[d])[h]);
			v = dir === "rx" ? a : dir === "tx" ? b :
			    a === null || b === null ? null : a + b;
			cells.push(v);
			if (v !== null) {
				lo = Math.min(lo, v);
				hi = Math.max(hi, v);
				n++;
			}
		}
	if (n === 0) {
		setState("heatmap", "empty", "No samples in " + RANGE_WORDS[S.heatRange],
		    "The heatmap needs history rows in the range; pick a longer one.");
		$("heat-info").textContent = "";
		return;
	}
	$("heat-info").textContent = "average " + (dir === "rx" ? "RX" : dir === "tx" ?
	    "TX" : "RX + TX") + " per hour, " + RANGE_WORDS[S.heatRange] +
	    (srvZone(j) ? ", server time (" + fmtZone(srvZone(j)) + ")" : "");
	a = hexRgb(color("--heat0"));
	b = hexRgb(color("--heat1"));
	grid.textContent = "";
	grid.append(el("span"));
	for (h = 0; h < 24; h++)
		grid.append(el("span", {class: "lab hr"}, String(h)));
	for (d = 0; d < 7; d++) {
		grid.append(el("span", {class: "lab"}, str(days[d]) || WDAY[(d + 1) % 7]));
		for (h = 0; h < 24; h++) {
			v = cells[d * 24 + h];
			if (v === null) {
				grid.append(el("span", {class: "c none", "data-d": d, "data-h": h,
				    title: (str(days[d]) || "") + " " + pad(h) + ":00: no sample"}));
				continue;
			}
			t = hi > lo ? (v - lo) / (hi - lo) : 1;
			grid.append(el("span", {class: "c", "data-d": d, "data-h": h,
			    title: (str(days[d]) || "") + " " + pad(h) + ":00–" + pad((h + 1) % 24) +
			    ":00: " + fmtBps(v) + " (" + fmtCount(num(arr(cs[d])[h]) || 0) + " samples)",
			    style: "background:rgb(" + a.map(function (x, i) {
				return Math.round(x + (b[i] - x) * t);
			    }).join(",") + ")"}));
		}
	}
	grid.dataset.cells = String(n);
	$("heat-lo").textContent = fmtBps(lo);
	$("heat-hi").textContent = fmtBps(hi);
	setState("heatmap", "ok");
}

function renderDist() {
	var j = heat.j, hg = j.histogram || {}, e = arr(hg.edges_bps);
	var rx = arr(hg.rx), tx = arr(hg.tx), first = -1, lastb = -1, i, tot = 0;

	for (i = 0; i < e.length - 1; i++) {
		if ((num(rx[i]) || 0) + (num(tx[i]) || 0) > 0) {
			if (first < 0)
				first = i;
			lastb = i;
		}
		tot += num(rx[i]) || 0;
	}
	if (first < 0) {
		setState("dist", "empty", "No samples in " + RANGE_WORDS[S.heatRange],
		    "The distribution counts the rates of the history's rows in the range.");
		$("dist-info").textContent = "";
		return;
	}
	heat.d = {first: first, last: lastb, e: e, rx: rx, tx: tx, tot: tot};
	$("dist-info").textContent = "rates of " + fmtCount(tot) + " samples, " +
	    RANGE_WORDS[S.heatRange];
	setState("dist", "ok");
	drawDist();
}

function drawDist() {
	var d = heat.d, g, c, n, L = 44, R, B, T = 8, bw, max = 0, i, yt, x, lab, every;

	if (!d || $("p-dist").dataset.state !== "ok")
		return;
	g = prep($("dist-chart"));
	if (g === null)
		return;
	c = g.c;
	n = d.last - d.first + 1;
	for (i = d.first; i <= d.last; i++)
		max = Math.max(max, (num(d.rx[i]) || 0) / d.tot, (num(d.tx[i]) || 0) / d.tot);
	yt = niceTicks(max || 1, 3);
	max = yt[yt.length - 1];
	R = g.w - 8;
	B = g.h - 22;
	bw = (R - L) / n;
	yGrid(c, yt, L, R, function (v) { return B - v / max * (B - T); },
	    function (v) { return String(+(v * 100).toPrecision(3)) + "%"; });
	c.stroke();
	c.textAlign = "center";
	c.textBaseline = "top";
	every = Math.ceil(60 / bw);
	for (i = d.first; i <= d.last + 1; i++) {
		x = L + (i - d.first) * bw;
		if ((i - d.first) % every === 0) {
			lab = fmtAxis(num(d.e[i]) || 0, BPS);
			c.fillText(lab, clampLabel(c, lab, x, g.w), B + 6);
		}
	}
	[["rx", "--rx", 0], ["tx", "--tx", 1]].forEach(function (k) {
		c.fillStyle = color(k[1]);
		for (i = d.first; i <= d.last; i++) {
			var v = (num(d[k[0]][i]) || 0) / d.tot, h = v / max * (B - T);

			c.fillRect(L + (i - d.first) * bw + bw * (0.1 + 0.4 * k[2]), B - h,
			    bw * 0.4, h);
		}
	});
	$("dist-chart").dataset.drawn = String(n);
}

function distHover(ev) {
	var d = heat.d, cv = $("dist-chart"), r = cv.getBoundingClientRect(), i;
	var L = 44, R = r.width - 8;

	if (!d) {
		tipHide();
		return;
	}
	i = d.first + Math.floor((ev.clientX - r.left - L) / ((R - L) / (d.last - d.first + 1)));
	if (i < d.first || i > d.last) {
		tipHide();
		return;
	}
	tipShow(ev.clientX, ev.clientY, fmtBps(d.e[i]) + " to " + fmtBps(d.e[i + 1]) +
	    "\nRX " + fmtCount(num(d.rx[i]) || 0) + " samples (" + fmtPct((num(d.rx[i]) || 0) / d.tot) +
	    ")\nTX " + fmtCount(num(d.tx[i]) || 0) + " samples (" + fmtPct((num(d.tx[i]) || 0) / d.tot) + ")");
}

/* --- totals per day, week and month */

var totals = {j: null};

function renderTotals() {
	var j = totals.j, doc = j[S.totalsTab] || {}, box = $("totals-body");
	var ps = arr(doc.periods).slice(), t, tb, max = 0, total = doc.total || {};
	var first, z = srvZone(j), info = [];

	first = ps.findIndex(function (p) { return num(p.samples) > 0; });
	box.textContent = "";
	if (first < 0) {
		setState("totals", "empty", "No traffic counted in these periods",
		    "The totals add up the history's rows; " + newestRowText());
		return;
	}
	ps = ps.slice(first).reverse();
	ps.forEach(function (p) {
		max = Math.max(max, num(p.total_bytes) || 0);
	});
	t = el("table", null, el("thead", null, el("tr", null,
	    el("th", null, {day: "Day", week: "Week", month: "Month"}[S.totalsTab]),
	    el("th", {class: "n"}, "RX"), el("th", {class: "n"}, "TX"),
	    el("th", {class: "n"}, "Total"), el("th"))));
	tb = el("tbody");
	ps.forEach(function (p) {
		var label = str(p.label), tr;

		/* Periods are the server's days: labelled in its zone. */
		if (S.totalsTab === "day" && num(p.start) !== null)
			label += " " + fmtSrvDay(p.start, z).slice(0, 3);
		if (S.totalsTab !== "day" && num(p.start) !== null && num(p.end) !== null)
			label += " (" + fmtSrvDay(p.start, z).slice(4) + " – " +
			    fmtSrvDay(p.end - 86400, z).slice(4) + ")";
		if (!(num(p.samples) > 0)) {
			tb.append(el("tr", {class: "nodata"}, el("td", null, label),
			    el("td", {class: "n", colspan: 3}, "no data"), el("td")));
			return;
		}
		/* A row opens who used that period. */
		tr = el("tr", {class: "pick" + (p.partial ? " partial" : ""), tabindex: 0,
		    "data-from": p.start, "data-to": p.end, title: "Who used it: click for the top programs"},
		    el("td", null, label, p.partial ? el("span", {class: "muted"}, " so far") : null),
		    el("td", {class: "n", "data-bytes": p.rx_bytes}, fmtBytes(p.rx_bytes)),
		    el("td", {class: "n", "data-bytes": p.tx_bytes}, fmtBytes(p.tx_bytes)),
		    el("td", {class: "n", "data-bytes": p.total_bytes}, fmtBytes(p.total_bytes)),
		    el("td", {class: "bar"}, el("span", {style: "width:" +
		    (max ? (num(p.total_bytes) || 0) / max * 100 : 0).toFixed(1) + "%"})));
		tb.append(tr);
	});
	t.append(tb, el("tfoot", null, el("tr", {"data-period": S.totalsTab},
	    el("td", null, "Total, " + ps.length + " " + {day: "day", week: "week",
		month: "month"}[S.totalsTab] + (ps.length === 1 ? "" : "s")),
	    el("td", {class: "n", "data-bytes": total.rx_bytes, title: fmtCount(total.rx_bytes) + " bytes"}, fmtBytes(total.rx_bytes)),
	    el("td", {class: "n", "data-bytes": total.tx_bytes, title: fmtCount(total.tx_bytes) + " bytes"}, fmtBytes(total.tx_bytes)),
	    el("td", {class: "n", "data-bytes": total.total_bytes, title: fmtCount(total.total_bytes) + " bytes"}, fmtBytes(total.total_bytes)),
	    el("td"))));
	box.append(t);
	if (z)
		info.push("server days (" + fmtZone(z) + ")");
	if (num(j.month_start_day) > 1)
		info.push("months start on day " + j.month_start_day);
	$("totals-info").textContent = info.join(" · ");
	setState("totals", "ok");
}

/* --- alerts: the history and the banner */

function pollAlerts() {
	var gen = S.gen;

	return api("alerts", {iface: S.iface, range: "30d"}, true).then(function (j) {
		var list = arr(j.alerts), box = $("alerts-body"), ban = $("banner");
		var act;

		if (gen !== S.gen)
			return;
		act = list.filter(function (a) { return a && a.active; });
		ban.textContent = "";
		ban.hidden = act.length === 0;
		ban.dataset.active = String(act.length);
		act.forEach(function (a, i) {
			var top = arr(a.top)[0];

			ban.append((i ? "\n" : "") + "⚠ Alert on " + S.iface + " since " +
			    fmtWhen(a.fired_at) + " (" + fmtDur(a.duration_s) + "): average " +
			    fmtBps(a.rolling_avg_bps) + " above the " + fmtBps(a.threshold_bps) +
			    " threshold, peak " + fmtBps(a.peak_bps) +
			    (top && str(top.name) ? "; top process " + top.name : "") + ".");
		});
		box.textContent = "";
		if (list.length === 0) {
			setState("alerts", "empty", "No alert in the last 30 days",
			    "bwprocs fires an alert when the rolling average stays above the threshold.");
			return;
		}
		box.append(list.reduce(function (ol, a) {
			var top = arr(a.top)[0], end;

			end = a.active ? "active now" : num(a.cleared_at) === null ? "–" :
			    fmtDay(a.cleared_at) === fmtDay(a.fired_at) ?
			    fmtClock(a.cleared_at) : fmtWhen(a.cleared_at);
			ol.append(el("li", {class: a.active ? "active" : null},
			    el("span", {class: "name"}, fmtWhen(a.fired_at) + " → " + end),
			    el("span", {class: "val"}, fmtDur(a.duration_s)),
			    el("span", {class: "det"}, "peak " + fmtBps(a.peak_bps) +
			    " · threshold " + fmtBps(a.threshold_bps) +
			    (num(a.rolling_avg_bps) !== null ? " · average " + fmtBps(a.rolling_avg_bps) : "") +
			    (top && str(top.name) ? " · top " + top.name : ""))));
			return ol;
		}, el("ol", {class: "bars alist"})));
		setState("alerts", "ok");
	}, function (e) {
		var info = ifaceInfo();

		if (gen !== S.gen)
			return;
		$("banner").hidden = true;
		/*
		 * bwprocs starts the log with its first alert: while it runs,
		 * no log means no alert, not that something is missing.
		 */
		if (e instanceof ApiError && e.status === 404 && info &&
		    info.bwprocs === "running") {
			$("alerts-body").textContent = "";
			setState("alerts", "empty", "No alert in the last 30 days",
			    "bwprocs runs for " + S.iface + " and has fired no alert " +
			    "yet; it fires one when the rolling average stays above " +
			    "the threshold.");
			return;
		}
		fail("alerts", e, "No alert log");
		return e instanceof ApiError && e.status === 0 ? 5000 : undefined;
	});
}

/* --- interfaces and the status line */

function ifaceInfo() {
	return S.ifaces ? arr(S.ifaces.ifaces).find(function (f) {
		return f && f.name === S.iface;
	}) || null : null;
}

var firstIfaces = true;

function pollIfaces() {
	return api("ifaces", null, true).then(function (j) {
		var sel = $("iface"), names = arr(j.ifaces).map(function (f) {
			return str(f && f.name);
		}).filter(Boolean), want = new URLSearchParams(location.search).get("iface");
		var note = "";

		S.ifaces = j;
		zoneRule(srvZone(j), j.now);
		if (sel.options.length !== names.length || names.some(function (n, i) {
			return sel.options[i].value !== n;
		})) {
			sel.textContent = "";
			names.forEach(function (n) {
				sel.append(el("option", {value: n}, n));
			});
		}
		if (names.length === 0)
			throw new ApiError(404, {error: "no interface has history yet",
			    hint: "bwcollect appends a row per interface every 5 minutes from cron " +
			    "(/etc/cron.d/bwmon); to take a first sample now: sudo bwcollect"});
		if (S.iface === null) {
			if (want && names.indexOf(want) < 0)
				note = "No history for interface \u201c" + want + "\u201d: showing ";
			S.iface = want && names.indexOf(want) >= 0 ? want :
			    names.indexOf(j.default) >= 0 ? j.default : names[0];
			setUrl();
			sel.value = S.iface;
			startAll();
		}
		statusLine(note);
	}).catch(function (e) {
		var msg;

		if (!(e instanceof ApiError))
			throw e;
		msg = e.body.error ? e.body.error + (e.body.hint ? ". " + e.body.hint : "") : e.message;
		$("status").textContent = "";
		appendHint($("status"), "No data: " + msg);
		if (S.iface === null)
			["live", "procs", "stats", "history", "heatmap", "dist", "totals",
			    "alerts"].forEach(function (id) {
				setState(id, e.status === 404 ? "empty" : "error",
				    e.status === 404 ? "No data yet" : "The server does not answer", msg);
			});
	}).then(function () {
		if (firstIfaces) {
			firstIfaces = false;
			document.body.dataset.ready = "1";
		}
		return S.iface === null ? 5000 : undefined;
	});
}

/* The footer states the time zone rule with both zones, at the server's now. */
function zoneRule(z, now) {
	if (!z)
		return;
	$("tz-rule").textContent = "days, weeks, months and heatmap hours in " +
	    "the server's time zone (" + fmtZone(z) + "), as bwtotal counts " +
	    "them; clock times in your browser's (" +
	    browserZone(num(now) !== null ? now : Date.now() / 1000) + ")";
}

function statusLine(note) {
	var f = ifaceInfo(), j = S.ifaces, parts = [], age, bp;

	if (!f)
		return;
	if (num(f.last_row) !== null) {
		age = num(j.now) !== null ? j.now - f.last_row : null;
		parts.push("newest history row " + fmtWhen(f.last_row) +
		    (age !== null ? " (" + fmtDur(age) + " ago)" : ""));
		if (age !== null && age > 1200)
			parts.push("bwcollect has written nothing for " + fmtDur(age) +
			    ": is its cron job running?");
	}
	bp = str(f.bwprocs);
	parts.push(bp === "running" ? "bwprocs running" : bp === "stale" ?
	    "bwprocs stopped (its procs file is old)" : bp === "absent" ?
	    "bwprocs not running for " + S.iface : bp ? "bwprocs " + bp : "");
	$("status").textContent = (note ? note + S.iface + ". " : "") +
	    parts.filter(Boolean).join(" · ");
}

function setUrl() {
	var q = new URLSearchParams(location.search);

	q.set("iface", S.iface);
	/* Each parameter, or none where the page has its default. */
	[
		["range", S.range !== "24h" && S.range],
		["totals", S.totalsTab !== "day" && S.totalsTab],
		["stack", S.stack && (S.stack === "host" ? "host" : "1")],
		["hosts", S.hostsTab !== "now" && S.hostsTab],
		["host", S.host]
	].forEach(function (p) {
		if (p[1])
			q.set(p[0], p[1]);
		else
			q.delete(p[0]);
	});
	history.replaceState(null, "", "?" + q.toString() + location.hash);
}

var P = {};

function startAll() {
	P.live.run();
	P.procs.run();
	P.hosts.run();
	P.alerts.run();
	P.slow.run();
	openWho().catch(report);
	openSpike().then(function () {
		/* An address with #spike=TS shows that spike first. */
		if (S.spikeTs !== null && firstOpen)
			$("p-spike").scrollIntoView({block: "start"});
		firstOpen = false;
	}).catch(report);
}

var firstOpen = true;

function changeIface() {
	var v = $("iface").value;

	if (v === S.iface)
		return;
	S.iface = v;
	S.gen++;
	live.mode = null;
	live.pts = [];
	procsKey = null;
	hostsKey = null;
	hostsClear();
	S.host = null;
	hostHist.key = null;
	$("host-hist").hidden = true;
	hist.key = null;
	["live", "procs", "stats", "history", "heatmap", "dist", "totals",
	    "alerts"].forEach(function (id) {
		setState(id, "loading", "Loading…");
	});
	$("banner").hidden = true;
	who.key = null;
	stack.j = null;
	if (hashSpike() !== null)
		history.replaceState(null, "", location.pathname + location.search +
		    (hashSel() ? "#sel=" + hashParam("sel") : ""));
	setUrl();
	statusLine("");
	startAll();
}

/* --- buttons */

function buttons(box, list, cur, click) {
	box.textContent = "";
	list.forEach(function (r) {
		var b = el("button", {type: "button", "data-v": r[0],
		    "aria-pressed": r[0] === cur() ? "true" : "false"}, r[1]);

		b.addEventListener("click", function () {
			if (r[0] === cur())
				return;
			click(r[0]);
			box.querySelectorAll("button").forEach(function (x) {
				x.setAttribute("aria-pressed", x.dataset.v === cur() ? "true" : "false");
			});
		});
		box.append(b);
	});
}

function init() {
	var q = new URLSearchParams(location.search), dark;

	if (RANGES.some(function (r) { return r[0] === q.get("range"); }))
		S.range = q.get("range");
	if (q.get("totals") === "week" || q.get("totals") === "month")
		S.totalsTab = q.get("totals");
	S.stack = q.get("stack") === "1" ? "program" : q.get("stack") === "host" ?
	    "host" : false;
	if (HOSTS_TABS.some(function (r) { return r[0] === q.get("hosts"); }))
		S.hostsTab = q.get("hosts");
	if (/^[0-9a-fA-F:.]{1,127}$/.test(q.get("host") || ""))
		S.host = q.get("host");
	if (q.get("by") === "host")
		S.whoBy = "host";
	buttons($("hosts-tabs"), HOSTS_TABS, function () { return S.hostsTab; }, function (v) {
		S.hostsTab = v;
		hostsKey = null;
		if (S.iface === null)
			return;
		setUrl();
		setState("hosts", "loading", "Loading…");
		P.hosts.run();
	});
	renderStackInfo();
	buttons($("who-by"), BYS, function () { return S.whoBy; }, function (v) {
		S.whoBy = v;
		openWho().catch(report);
	});
	$("who-close").addEventListener("click", function () {
		var h = new URLSearchParams(location.hash.slice(1));

		h.delete("sel");
		history.replaceState(null, "", location.pathname + location.search +
		    (h.toString() ? "#" + h.toString() : ""));
		openWho().catch(report);
	});
	["program", "host"].forEach(function (by) {
		$(by === "host" ? "hist-stack-hosts" : "hist-stack").addEventListener("click", function () {
			S.stack = S.stack === by ? false : by;
			if (S.iface === null)
				return;
			setUrl();
			loadStack().catch(report);
			if (!S.stack)
				drawHistory();
		});
	});
	$("hosts-bars").addEventListener("click", function (ev) {
		var li = ev.target.closest("li.pick");

		if (li)
			pickHost(li.dataset.id);
	});
	$("hosts-bars").addEventListener("keydown", function (ev) {
		var li = ev.target.closest("li.pick");

		if (li && (ev.key === "Enter" || ev.key === " ")) {
			ev.preventDefault();
			pickHost(li.dataset.id);
		}
	});
	$("host-hist-close").addEventListener("click", function () {
		if (S.host)
			pickHost(S.host);
	});
	$("totals-body").addEventListener("click", function (ev) {
		var tr = ev.target.closest("tr.pick");

		if (tr)
			setSel(+tr.dataset.from, +tr.dataset.to);
	});
	$("totals-body").addEventListener("keydown", function (ev) {
		var tr = ev.target.closest("tr.pick");

		if (tr && (ev.key === "Enter" || ev.key === " ")) {
			ev.preventDefault();
			setSel(+tr.dataset.from, +tr.dataset.to);
		}
	});
	pickWindow($("hist-chart"));
	buttons($("hist-ranges"), RANGES, function () { return S.range; }, function (v) {
		S.range = v;
		hist.key = null;
		setUrl();
		if (S.iface !== null)
			loadHistory().catch(report);
	});
	buttons($("heat-ranges"), RANGES.slice(2), function () { return S.heatRange; },
	    function (v) {
		S.heatRange = v;
		if (S.iface !== null)
			loadHeatmap().catch(report);
	});
	buttons($("heat-dirs"), [["sum", "RX + TX"], ["rx", "RX"], ["tx", "TX"]],
	    function () { return S.heatDir; }, function (v) {
		S.heatDir = v;
		if (heat.j)
			renderHeatmap();
	});
	buttons($("totals-tabs"), [["day", "Daily"], ["week", "Weekly"], ["month", "Monthly"]],
	    function () { return S.totalsTab; }, function (v) {
		S.totalsTab = v;
		if (S.iface !== null)
			setUrl();
		if (totals.j)
			renderTotals();
	});
	$("iface").addEventListener("change", changeIface);
	$("spike-close").addEventListener("click", function () {
		history.replaceState(null, "", location.pathname + location.search +
		    (hashSel() ? "#sel=" + hashParam("sel") : ""));
		openSpike().catch(report);
	});
	window.addEventListener("hashchange", function () {
		openWho(true).catch(report);
		openSpike().then(function () {
			if (S.spikeTs !== null)
				$("p-spike").scrollIntoView({behavior: "smooth", block: "start"});
		}).catch(report);
	});
	$("hist-markers").addEventListener("click", function (ev) {
		var m = ev.target.closest(".marker");

		if (m)
			location.hash = "spike=" + m.dataset.ts;
	});
	$("heat-grid").addEventListener("click", function (ev) {
		var c = ev.target.closest(".c");

		if (c)
			$("heat-cell").textContent = c.title;
	});

	hover($("live-chart"), function () { return live.g ? live : null; });
	hover($("hist-chart"), function () { return hist.g ? hist : null; });
	hover($("host-chart"), function () { return hostHist.g ? hostHist : null; });
	$("dist-chart").addEventListener("pointermove", distHover);
	$("dist-chart").addEventListener("pointerleave", tipHide);
	onResize($("live-chart"), drawLive);
	onResize($("hist-chart"), drawHistory);
	onResize($("dist-chart"), drawDist);
	onResize($("host-chart"), drawHostChart);
	dark = matchMedia("(prefers-color-scheme: dark)");
	dark.addEventListener("change", function () {
		drawLive();
		drawHistory();
		drawDist();
		drawHostChart();
		if (heat.j)
			renderHeatmap();
	});

	P.ifaces = poller(pollIfaces, 30000);
	P.live = poller(pollLive, 1000);
	P.procs = poller(pollProcs, 2000);
	P.hosts = poller(pollHosts, 2000);
	P.alerts = poller(pollAlerts, 15000);
	P.slow = poller(pollSlow, 60000);
	document.addEventListener("visibilitychange", function () {
		pollers.forEach(function (p) {
			if (document.hidden)
				p.stop();
			else
				p.run();
		});
	});
	P.ifaces.run();
}

init();
})();
