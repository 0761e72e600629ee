/* The index's scorecard: draws the rows embedded as JSON in #scorecard-data (report.scorecard.index_payload)
   into table#scorecard, and sorts, searches, filters and collapses them. No network, no library.
   Text from data only ever goes through textContent, setAttribute (title, href) or style.color (a palette
   colour): never innerHTML. Rows are drawn on demand: all of them when there are few, else a chunk at a time
   as the reader scrolls, and every remaining one before printing. */
(function () {
  "use strict";
  var source = document.getElementById("scorecard-data");
  var table = document.getElementById("scorecard");
  if (!source || !table) { return; }
  var data = JSON.parse(source.textContent);
  var F = {};
  data.fields.forEach(function (name, i) { F[name] = i; });
  var BASE = data.fields.length;
  var rows = data.rows, total = rows.length, columns = data.columns, text = data.text;
  var ALL_AT_ONCE = 2000, CHUNK = 500;
  var tbody = table.tBodies[0];
  var lang = document.documentElement.lang || "en";
  var collator = new Intl.Collator(lang);
  var controls = {
    search: document.getElementById("sc-search"),
    lagging: document.getElementById("sc-lagging"),
    idle: document.getElementById("sc-idle"),
    red: document.getElementById("sc-red"),
    newRed: document.getElementById("sc-new-red"),
    restated: document.getElementById("sc-restated"),
    level: document.getElementById("sc-level"),
    grade: document.getElementById("sc-grade"),
    expand: document.getElementById("sc-expand"),
    tree: document.getElementById("sc-tree"),
    count: document.getElementById("sc-count")
  };
  var width = table.tHead.rows[0].cells.length;
  // The appraisal grade's column (its values are places in data.grades, worst first), if the campaign has one.
  var gradeColumn = -1, coverageColumn = -1;
  columns.forEach(function (column, k) {
    if (column.format === "grade" && gradeColumn < 0) { gradeColumn = k; }
    if (column.key === "grassroots_coverage") { coverageColumn = k; }
  });

  // The tree: children counts, and each row's ancestors by walking parents (rows come in tree order).
  var hasChildren = new Uint8Array(total);
  rows.forEach(function (r) { if (r[F.parent] >= 0) { hasChildren[r[F.parent]] = 1; } });
  var open = new Map();  // row -> expanded or not, where the reader clicked; else by the "expand to" level
  var folded = null;  // search keys, made on the first search

  var state = { sort: null, dir: 1 };
  var list = [], context = null, drawn = 0, flat = false;

  function fold(s) { return String(s).normalize("NFKC").toLowerCase(); }

  function el(tag, cls, content) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (content !== undefined && content !== null) { node.textContent = content; }
    return node;
  }

  // Numbers arrive rounded as Python's labels.fmt_* show them; here they only get separators, signs, units.
  function grouped(digits) { return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
  function signed(v) { return (v > 0 || (v === 0 && 1 / v > 0)) ? "+" : "-"; }
  function show(v, format) {
    if (v === null || v === undefined) { return "\u2014"; }
    if (format === "int") { return (v < 0 ? "-" : "") + grouped(String(Math.abs(v))); }
    if (format === "percent") { return v.toFixed(2) + "%"; }
    if (format === "score") { return v.toFixed(2); }
    if (format === "grade") { return data.grades[v] ? data.grades[v].label : "\u2014"; }
    if (format === "points") { return signed(v) + Math.abs(v).toFixed(2); }
    if (format === "change") { return signed(v) + Math.abs(v).toFixed(2); }
    if (format === "number") {
      var parts = Math.abs(v).toFixed(2).split(".");
      var out = grouped(parts[0]) + ("." + parts[1]).replace(/\.?0+$/, "");
      return (v < 0 && out !== "0" ? "-" : "") + out;
    }
    return String(v);
  }

  function isOpen(i) {
    if (open.has(i)) { return open.get(i); }
    var limit = controls.expand && controls.expand.value ? Number(controls.expand.value) : Infinity;
    return rows[i][F.depth] + 1 < limit;
  }

  var RED = data.lights ? data.lights.indexOf("red") : -1;
  function lightFilters() {
    return { red: Boolean(controls.red && controls.red.checked), newRed: Boolean(controls.newRed && controls.newRed.checked),
             restated: Boolean(controls.restated && controls.restated.checked) };
  }
  var lf = lightFilters();

  function matches(i, query, onlyLagging, onlyIdle, level, grade) {
    var r = rows[i];
    if (lf.red && r[F.light] !== RED) { return false; }
    if (lf.newRed && !(r[F.light] === RED && r[F.light_prev] >= 0 && r[F.light_prev] !== RED)) { return false; }
    if (lf.restated && !r[F.restated]) { return false; }
    if (grade !== null && r[BASE + gradeColumn] !== grade) { return false; }
    if (onlyLagging && !(r[F.lagging] > 0)) { return false; }
    if (onlyIdle && !r[F.idle]) { return false; }
    if (level && r[F.depth] + 1 !== level) { return false; }
    if (query) {
      if (!folded) { folded = rows.map(function (x) { return fold(x[F.id] + " " + x[F.name]); }); }
      if (folded[i].indexOf(query) < 0) { return false; }
    }
    return true;
  }

  function sortValue(i, key) {
    var r = rows[i];
    if (key === "name") { return r[F.name]; }
    if (key === "level") { return r[F.depth]; }
    if (key === "status") { return r[F.worst] >= 0 ? data.severity[r[F.worst]] : null; }
    var v = r[BASE + Number(key)];
    if (v === null || v === undefined) { return null; }
    return Array.isArray(v) ? v[0] : v;
  }

  function compare(a, b) {
    var x = sortValue(a, state.sort), y = sortValue(b, state.sort);
    if (x === null || y === null) { return x === y ? a - b : (x === null ? 1 : -1); }  // missing last, always
    var c = typeof x === "string" ? collator.compare(x, y) : (x < y ? -1 : x > y ? 1 : 0);
    return c !== 0 ? c * state.dir : a - b;
  }

  function compute() {
    var query = controls.search ? fold(controls.search.value.trim()) : "";
    var onlyLagging = controls.lagging && controls.lagging.checked;
    var onlyIdle = controls.idle && controls.idle.checked;
    var level = controls.level && controls.level.value ? Number(controls.level.value) : 0;
    var grade = gradeColumn >= 0 && controls.grade && controls.grade.value !== "" ? Number(controls.grade.value) : null;
    lf = lightFilters();
    var filtering = Boolean(query || onlyLagging || onlyIdle || level || grade !== null || lf.red || lf.newRed ||
      lf.restated);
    var i, out = [];
    context = null;
    flat = state.sort !== null;
    if (flat) {
      for (i = 0; i < total; i++) { if (!filtering || matches(i, query, onlyLagging, onlyIdle, level, grade)) { out.push(i); } }
      out.sort(compare);
    } else if (filtering) {
      // Matches in the tree, with their ancestors (dimmed) to say where they are.
      var keep = new Uint8Array(total);
      context = new Uint8Array(total);
      for (i = 0; i < total; i++) {
        if (matches(i, query, onlyLagging, onlyIdle, level, grade)) {
          keep[i] = 1;
          for (var p = rows[i][F.parent]; p >= 0 && !keep[p]; p = rows[p][F.parent]) { keep[p] = 1; context[p] = 1; }
        }
      }
      for (i = 0; i < total; i++) { if (keep[i]) { out.push(i); } }
      if (!out.some(function (k) { return !context[k]; })) { out = []; }
    } else {
      var hideBelow = Infinity;
      for (i = 0; i < total; i++) {
        var d = rows[i][F.depth];
        if (d > hideBelow) { continue; }
        hideBelow = Infinity;
        out.push(i);
        if (hasChildren[i] && !isOpen(i)) { hideBelow = d; }
      }
    }
    list = out;
  }

  function light(status) {
    var dot = el("span", "light", data.statusSymbols[status]);
    dot.style.color = data.statusColours[status];
    return dot;
  }

  function nameCell(i) {
    var r = rows[i];
    var td = el("td", "unit");
    if (!flat) {
      td.style.paddingLeft = (6 + 16 * r[F.depth]) + "px";
      if (hasChildren[i] && !context) {
        var expanded = isOpen(i);
        var toggle = el("button", "toggle", expanded ? "\u25BE" : "\u25B8");
        toggle.type = "button";
        toggle.setAttribute("aria-expanded", expanded ? "true" : "false");
        toggle.setAttribute("title", text.expand_row);
        toggle.setAttribute("data-row", String(i));
        td.appendChild(toggle);
      } else {
        td.appendChild(el("span", "toggle-space"));
      }
    }
    var href = r[F.href];
    var name;
    if (href) { name = el("a", null, r[F.name]); name.setAttribute("href", href); } else { name = el("span", "name", r[F.name]); }
    td.appendChild(name);
    td.appendChild(document.createTextNode(" "));
    td.appendChild(el("span", "tag", r[F.id]));
    var page = r[F.page];  // a place in data.pages; the states and which of them to name come with the data
    if (data.pageFlagged[page]) {
      var chip = el("span", "page-state page-" + data.pages[page], data.pageLabels[page]);
      if (r[F.error]) { chip.setAttribute("title", r[F.error]); }
      td.appendChild(document.createTextNode(" "));
      td.appendChild(chip);
      if (page === data.pageFailed && r[F.error]) {
        var why = r[F.error];
        td.appendChild(el("div", "page-error", why.length > 200 ? why.slice(0, 200) + "\u2026" : why));
      }
    }
    if (flat && r[F.parent] >= 0) { td.appendChild(el("div", "parent", rows[r[F.parent]][F.name])); }
    return td;
  }

  function statusCell(r) {
    var td = el("td", "progress");
    if (r[F.worst] >= 0) {
      td.appendChild(light(r[F.worst]));
      td.appendChild(document.createTextNode(" " + data.statusLabels[r[F.worst]]));
    }
    if (r[F.idle]) {
      if (r[F.worst] >= 0) { td.appendChild(document.createTextNode(" ")); }
      td.appendChild(el("span", "idle-chip", text.idle));
    }
    var focus = r[F.focus];  // the worst indicator and its gap: on what, by how much, without scrolling sideways
    if (focus) {
      // a level indicator's gap is in its own measure (focus[3]), else in points
      var words = focus[0] + (focus[1] !== null ? " " + show(focus[1], "points") + (focus[3] || text.focus_points) : "");
      if (focus[2] > 0) { words += " +" + focus[2]; }
      td.appendChild(el("div", "focus", words));
    }
    // grassroots coverage with a light on (campaign.yaml's coverage lights) is named like an indicator
    if (r[F.cov_light] >= 0 && data.lights[r[F.cov_light]] !== "none" && coverageColumn >= 0) {
      td.appendChild(el("div", "focus coverage-focus", text.coverage + " " + show(r[BASE + coverageColumn], "percent")));
    }
    return td;
  }

  // Grassroots coverage: its light (when set) as a badge beside the figure, else a mark on the lowest among siblings.
  function coverageCell(r, v) {
    var td = el("td", "num coverage-cell", show(v, "percent"));
    var lit = r[F.cov_light] >= 0 ? data.lights[r[F.cov_light]] : null;
    if (lit && lit !== "none") {
      var badge = el("span", "status light-" + lit, data.lightLabels[r[F.cov_light]]);
      badge.setAttribute("style", data.lightStyles[r[F.cov_light]]);
      var sub = el("div", "sub");
      sub.appendChild(badge);
      td.appendChild(sub);
    } else if (r[F.cov_low]) {
      td.appendChild(el("div", "sub lowest", text.lowest_coverage));
    }
    return td;
  }

  function paceCell(v, column) {
    var td = el("td", "num pace");
    if (!v) { return td; }
    var status = v[2];
    var level = v.length > 3 && v[3];  // a level indicator: 达标 / 低于目标 / 未达标, its gap to the target
    var words = level ? data.levelLabels[status] : data.statusLabels[status];
    var unit = level ? column.gapUnit : text.points;
    td.className = "num pace status-" + data.statuses[status];
    td.appendChild(light(status));
    td.appendChild(el("span", "completion", " " + show(v[0], "percent")));
    if (v[1] !== null) { td.appendChild(el("div", "gap", (level ? words + " " : "") + show(v[1], "points"))); }
    td.setAttribute("title", [column.label, words, show(v[0], "percent"),
      (level ? text.level_gap : text.gap) + " " + show(v[1], "points") + " " + unit].join(" \u00B7 "));
    return td;
  }

  // A warning light: its word on a coloured badge (the word prints without colour), ↑ when it is worse than the
  // previous period's, ↓ when better (LIGHTS are worst first: a lower place is worse).
  function lightCell(v) {
    var td = el("td", "light-cell");
    if (!v) { return td; }
    var badge = el("span", "status light-" + data.lights[v[0]], data.lightLabels[v[0]]);
    badge.setAttribute("style", data.lightStyles[v[0]]);
    if (data.lights[v[0]] !== "none") { td.appendChild(badge); } else { td.appendChild(el("span", "no-light", data.lightLabels[v[0]])); }
    if (v[1] !== null && v[1] !== v[0]) {
      var worse = v[0] < v[1];
      td.appendChild(el("span", "light-change", worse ? " \u2191" : " \u2193"));
      td.setAttribute("title", (worse ? text.light_up : text.light_down) + " \u00B7 " + text.previous + " " +
        data.lightLabels[v[1]]);
    }
    return td;
  }

  // A rank among no siblings says nothing: a blank cell (its title says why), never "1".
  function alone(td) { td.setAttribute("title", text.no_siblings); return td; }

  // A rank with its change since the previous period: "3 ▲2", "4 ▼1", "2 =" (rank 1 is best).
  function rankCell(r, v) {
    var td = el("td", "num rank");
    if (r[F.alone]) { return alone(td); }
    if (!v || v[0] === null) { td.textContent = "\u2014"; return td; }
    var words = String(v[0]);
    if (v[1] !== null) {
      var moved = v[1] - v[0];
      words += " " + (moved > 0 ? "\u25B2" + moved : moved < 0 ? "\u25BC" + (-moved) : "=");
      td.setAttribute("title", text.previous + " " + v[1]);
    }
    td.textContent = words;
    return td;
  }

  function gradeCell(v) {
    var td = el("td", "grade-cell");
    var g = v === null || v === undefined ? null : data.grades[v];
    if (g) { td.appendChild(el("span", "grade grade-" + g.key, g.label)); } else { td.textContent = "\u2014"; }
    return td;
  }

  function drawRow(i) {
    var r = rows[i];
    var tr = el("tr");
    var classes = ["depth-" + r[F.depth], "status-" + data.pages[r[F.page]]];
    if (context && context[i]) { classes.push("context"); }
    if (r[F.idle]) { classes.push("idle"); }
    if (r[F.lagging] > 0) { classes.push("lagging"); }
    tr.className = classes.join(" ");
    tr.setAttribute("data-unit", r[F.id]);
    tr.appendChild(nameCell(i));
    var kind = data.kinds[r[F.kind]];
    var level = el("td", "level", String(r[F.depth] + 1));  // "1 · 镇"; on a phone the kind goes under the number
    if (kind) { level.appendChild(el("span", "sep", " \u00B7 ")); level.appendChild(el("span", "kind", kind)); }
    tr.appendChild(level);
    tr.appendChild(statusCell(r));
    columns.forEach(function (column, k) {
      var v = r[BASE + k];
      if (column.format === "light") { tr.appendChild(lightCell(v)); } else if (column.format === "rank") { tr.appendChild(rankCell(r, v)); } else if (k === coverageColumn) { tr.appendChild(coverageCell(r, v)); } else if (column.key === "rank" && r[F.alone]) { tr.appendChild(alone(el("td", "num"))); } else if (column.format === "pace") { tr.appendChild(paceCell(v, column)); } else if (column.format === "grade") { tr.appendChild(gradeCell(v)); } else { tr.appendChild(el("td", "num", show(v, column.format))); }
    });
    return tr;
  }

  var moreRow = null, observer = null;

  function more(all) {
    var end = all ? list.length : Math.min(list.length, drawn + CHUNK);
    if (end <= drawn) { return; }
    if (moreRow && moreRow.parentNode) { moreRow.parentNode.removeChild(moreRow); }
    var frag = document.createDocumentFragment();
    for (var k = drawn; k < end; k++) { frag.appendChild(drawRow(list[k])); }
    tbody.appendChild(frag);
    drawn = end;
    if (drawn < list.length) { tbody.appendChild(moreRowFor()); }
  }

  function moreRowFor() {
    if (!moreRow) {
      moreRow = el("tr", "more-row");
      var td = el("td");
      td.colSpan = width;
      var button = el("button", "more", text.more);
      button.type = "button";
      button.addEventListener("click", function () { more(false); });
      td.appendChild(button);
      moreRow.appendChild(td);
      if ("IntersectionObserver" in window) {
        observer = new IntersectionObserver(function (entries) {
          if (entries.some(function (e) { return e.isIntersecting; })) { more(false); }
        }, { rootMargin: "800px" });
        observer.observe(moreRow);
      }
    }
    return moreRow;
  }

  function draw() {
    compute();
    tbody.textContent = "";
    drawn = 0;
    if (list.length === 0) {
      var tr = el("tr", "no-match"), td = el("td", "note", text.no_match);
      td.colSpan = width;
      tr.appendChild(td);
      tbody.appendChild(tr);
    } else if (list.length <= ALL_AT_ONCE) {
      more(true);
    } else {
      more(false);
    }
    if (controls.count) {
      controls.count.textContent = data.shownText.replace("{shown}", grouped(String(list.length)))
        .replace("{total}", grouped(String(total)));
    }
    if (controls.tree) { controls.tree.hidden = state.sort === null; }
    table.classList.toggle("flat", flat);
  }

  // Sorting: each header button cycles lowest (or worst) first, highest first, back to the tree.
  var headers = Array.prototype.slice.call(table.tHead.querySelectorAll("th[data-sort]"));
  function markHeaders() {
    headers.forEach(function (th) {
      var on = th.getAttribute("data-sort") === state.sort;
      th.setAttribute("aria-sort", on ? (state.dir > 0 ? "ascending" : "descending") : "none");
    });
  }
  headers.forEach(function (th) {
    var button = th.querySelector("button");
    button.addEventListener("click", function () {
      var key = th.getAttribute("data-sort");
      if (state.sort !== key) { state.sort = key; state.dir = 1; } else if (state.dir > 0) { state.dir = -1; } else { state.sort = null; state.dir = 1; }
      markHeaders();
      draw();
    });
  });
  if (controls.tree) {
    controls.tree.addEventListener("click", function () { state.sort = null; state.dir = 1; markHeaders(); draw(); });
  }
  tbody.addEventListener("click", function (event) {
    var toggle = event.target.closest ? event.target.closest("button.toggle") : null;
    if (!toggle) { return; }
    var i = Number(toggle.getAttribute("data-row"));
    open.set(i, !isOpen(i));
    draw();
  });
  var timer = null;
  if (controls.search) {
    controls.search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(draw, total > ALL_AT_ONCE ? 150 : 0);
    });
  }
  [controls.lagging, controls.idle, controls.level, controls.grade, controls.red, controls.newRed,
    controls.restated].forEach(function (c) { if (c) { c.addEventListener("change", draw); } });
  if (controls.expand) { controls.expand.addEventListener("change", function () { open.clear(); draw(); }); }
  window.addEventListener("beforeprint", function () { more(true); });

  data.shownText = text.shown;
  draw();
  table.setAttribute("data-ready", "1");
}());
