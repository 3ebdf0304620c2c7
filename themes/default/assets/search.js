// Search page. A faithful port of generator/search (tokenize.go, query.go):
// the same folding, runs, tokens, synonyms and integer scoring, so the Go
// tests of the ranking hold for what readers see (a browser test compares
// both). The index is loaded only when the reader starts typing, or at once
// when the URL carries ?q=; a query fetches only the shards of its tokens and
// the chunks of the results shown.
(function () {
  "use strict";
  var app = document.getElementById("search-app");
  if (!app || !window.fetch || !window.TextDecoder) return;
  var root = app.getAttribute("data-root") || "/";
  var indexURL = app.getAttribute("data-index");
  var input = document.getElementById("search-q");
  var form = app.querySelector("form");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  if (!indexURL || !input || !status || !list) return;
  var PAGE = 10; // results shown at a time
  var SAT = 20, SYN_NUM = 9, SYN_DEN = 10, HASH = 10, TABLE = 128;

  // ---- tokenizer (tokenize.go) ----
  var hanRe = /\p{Script=Han}/u;
  var letterRe = /[\p{L}\p{Nd}]/u;
  function fold(c) {
    var r = c.codePointAt(0);
    if (r >= 0xff01 && r <= 0xff5e) r -= 0xfee0;
    else if (r === 0x3000) return "";
    if (r >= 65 && r <= 90) r += 32;
    return String.fromCodePoint(r);
  }
  function isHan(c) { return c !== "" && hanRe.test(c); }
  function isDigit(c) { return c >= "0" && c <= "9" && c.length === 1; }
  function isWord(c) {
    if (c === "") return false;
    var r = c.codePointAt(0);
    return (r >= 48 && r <= 57) || (r >= 97 && r <= 122) || (r > 0x7f && !isHan(c) && letterRe.test(c));
  }
  function runs(text) {
    var rs = Array.from(text, fold);
    var out = [];
    var i = 0, j, c;
    while (i < rs.length) {
      c = rs[i];
      if (isHan(c)) {
        j = i;
        while (j < rs.length && isHan(rs[j])) j++;
        out.push({ text: rs.slice(i, j).join(""), han: true });
        i = j;
      } else if (isWord(c)) {
        j = i;
        while (j < rs.length) {
          c = rs[j];
          if (isWord(c)) j++;
          else if (c === "." && j > i && isDigit(rs[j - 1]) && j + 1 < rs.length && isDigit(rs[j + 1])) j++;
          else if (c === "%" && j > i && isDigit(rs[j - 1])) { j++; break; }
          else break;
        }
        out.push({ text: rs.slice(i, j).join(""), han: false });
        i = j;
      } else {
        i++;
      }
    }
    return out;
  }
  function foldString(s) {
    return Array.from(s, function (c) { return fold(c) || " "; }).join("");
  }
  function termTokens(t) {
    if (!t.han) return [t.text];
    var rs = Array.from(t.text);
    if (rs.length === 1) return [t.text];
    var out = [], seen = {};
    for (var i = 0; i + 1 < rs.length; i++) {
      var tok = rs[i] + rs[i + 1];
      if (!seen[tok]) { seen[tok] = true; out.push(tok); }
    }
    return out;
  }

  // ---- index (query.go) ----
  var manifest = null; // promise
  var syn = [], chunkFirst = [], shardTables = "", chunkTables = "", nshards = 0;
  var shards = {}, chunks = {}, tables = {};
  var enc = new TextEncoder(), dec = new TextDecoder();

  function url(p) { return new URL(p, document.baseURI).href; }
  function getJSON(u) {
    return fetch(u).then(function (r) {
      if (!r.ok) throw new Error(u + ": " + r.status);
      return r.json();
    });
  }
  function load() {
    if (manifest) return manifest;
    manifest = getJSON(url(indexURL)).then(function (m) {
      nshards = m.shards;
      shardTables = m.shard_tables;
      chunkTables = m.chunk_tables;
      chunkFirst = m.chunk_first;
      (m.syn || []).forEach(function (e) {
        var k = e.indexOf("=");
        syn.push({ words: e.slice(0, k), terms: e.slice(k + 1) });
      });
      // A small site has one table of each kind: fetch them now, in
      // parallel, rather than one round trip later each.
      if (shardTables.length === HASH) table(shardTables, 0);
      if (chunkTables.length === HASH) table(chunkTables, 0);
      return m;
    });
    manifest.catch(function () { manifest = null; });
    return manifest;
  }
  function shardOf(tok) {
    var b = enc.encode(tok), h = 2166136261;
    for (var i = 0; i < b.length; i++) {
      h ^= b[i];
      h = Math.imul(h, 16777619) >>> 0;
    }
    return h % nshards;
  }
  function decodeShard(buf) {
    var b = new Uint8Array(buf), i = 0, out = {};
    function uv() {
      var v = 0, s = 1, c;
      do {
        if (i >= b.length) throw new Error("corrupt shard");
        c = b[i++];
        v += (c & 0x7f) * s;
        s *= 128;
      } while (c & 0x80);
      return v;
    }
    for (var n = uv(); n > 0; n--) {
      var l = uv();
      var tok = dec.decode(b.subarray(i, i + l));
      i += l;
      var p = { idf: uv(), docs: [], w: [] };
      var doc = 0;
      for (var df = uv(); df > 0; df--) {
        doc += uv();
        p.docs.push(doc);
        p.w.push(uv());
      }
      out[tok] = p;
    }
    return out;
  }
  function dir(name) { return url(indexURL.replace(/[^\/]*$/, "") + name); }
  // table k of the concatenated table names (index.go: Table).
  function table(names, k) {
    var h = names.substr(k * HASH, HASH);
    if (!tables[h]) {
      tables[h] = getJSON(dir("t-" + h + ".json"));
      tables[h].catch(function () { delete tables[h]; });
    }
    return tables[h];
  }
  function shard(k) {
    if (!shards[k]) {
      shards[k] = table(shardTables, Math.floor(k / TABLE)).then(function (t) {
        var u = dir("s-" + t.names.substr((k % TABLE) * HASH, HASH) + ".bin");
        return fetch(u).then(function (r) {
          if (!r.ok) throw new Error(u + ": " + r.status);
          return r.arrayBuffer();
        });
      }).then(decodeShard);
      shards[k].catch(function () { delete shards[k]; });
    }
    return shards[k];
  }
  function lastAtMost(xs, v) { // index of the last element <= v
    var lo = 0, hi = xs.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (xs[mid] <= v) lo = mid; else hi = mid - 1;
    }
    return lo;
  }
  function getDoc(doc) {
    var ti = lastAtMost(chunkFirst, doc);
    return table(chunkTables, ti).then(function (t) {
      var j = lastAtMost(t.starts, doc), k = ti * TABLE + j;
      if (!chunks[k]) {
        chunks[k] = getJSON(dir("d-" + t.names.substr(j * HASH, HASH) + ".json"));
        chunks[k].catch(function () { delete chunks[k]; });
      }
      return chunks[k];
    }).then(function (c) {
      var d = c.docs[doc - c.start];
      return { url: d[0], title: d[1], label: d[2], status: d[3], text: d[4] };
    });
  }

  function groups(q) {
    return runs(q).map(function (run) {
      var g = [{ toks: termTokens(run), syn: false, text: run.text }];
      var seen = {};
      seen[run.text] = true;
      syn.forEach(function (s) {
        var hit = s.words.some(function (w) {
          var fw = foldString(w);
          return run.han ? run.text.indexOf(fw) >= 0 : run.text === fw;
        });
        if (!hit) return;
        s.terms.forEach(function (t) {
          runs(t).forEach(function (tr) {
            if (!seen[tr.text]) {
              seen[tr.text] = true;
              g.push({ toks: termTokens(tr), syn: true, text: tr.text });
            }
          });
        });
      });
      return g;
    });
  }

  // search resolves to {hits: [{doc, score}], marks: [strings to mark]}.
  function search(q) {
    return load().then(function () {
      var gs = groups(q);
      var toks = [], need = {};
      gs.forEach(function (g) {
        g.forEach(function (a) {
          a.toks.forEach(function (t) {
            if (toks.indexOf(t) < 0) toks.push(t);
            need[shardOf(t)] = true;
          });
        });
      });
      var ks = Object.keys(need);
      return Promise.all(ks.map(function (k) { return shard(+k); })).then(function () {
        return Promise.all(toks.map(function (t) {
          return shard(shardOf(t)).then(function (s) { return [t, s[t] || { idf: 0, docs: [], w: [] }]; });
        }));
      }).then(function (pairs) {
        var lists = {};
        pairs.forEach(function (p) { lists[p[0]] = p[1]; });
        var total = new Map();
        gs.forEach(function (g) {
          var best = new Map();
          g.forEach(function (a) {
            var sum = new Map(), found = new Map();
            a.toks.forEach(function (t) {
              var p = lists[t];
              for (var i = 0; i < p.docs.length; i++) {
                var d = p.docs[i], w = p.w[i];
                sum.set(d, (sum.get(d) || 0) + Math.floor(p.idf * w * (SAT + 1) / (w + SAT)));
                found.set(d, (found.get(d) || 0) + 1);
              }
            });
            sum.forEach(function (s, d) {
              var f = found.get(d);
              if (a.syn && f < a.toks.length) return;
              var sc = Math.floor(s * f / a.toks.length);
              if (a.syn) sc = Math.floor(sc * SYN_NUM / SYN_DEN);
              if (sc > (best.get(d) || 0)) best.set(d, sc);
            });
          });
          best.forEach(function (s, d) { total.set(d, (total.get(d) || 0) + s); });
        });
        var hits = [];
        total.forEach(function (s, d) { if (s > 0) hits.push({ doc: d, score: s }); });
        hits.sort(function (x, y) { return y.score - x.score || x.doc - y.doc; });
        var marks = [];
        gs.forEach(function (g) {
          g.forEach(function (a) { if (marks.indexOf(a.text) < 0) marks.push(a.text); });
        });
        gs.forEach(function (g) {
          g[0].toks.forEach(function (t) { if (marks.indexOf(t) < 0) marks.push(t); });
        });
        return { hits: hits, marks: marks };
      });
    });
  }
  // For the browser test: the ranking as document numbers and URLs.
  window.policyguideSearch = function (q) {
    return search(q).then(function (r) {
      return Promise.all(r.hits.map(function (h) {
        return getDoc(h.doc).then(function (d) { return { doc: h.doc, score: h.score, url: d.url }; });
      }));
    });
  };

  // ---- results ----
  // snippet fills el with a piece of text around the first match, the
  // matched words in <mark>. marks are folded; text is folded unit by unit
  // (fold keeps UTF-16 lengths for these characters) to find them.
  function snippet(el, text, marks) {
    var folded = text.replace(/[\uff01-\uff5e\u3000A-Z]/g, function (c) {
      var f = fold(c);
      return f === "" ? " " : f;
    });
    var ms = marks.filter(function (m) { return m; }).sort(function (a, b) { return b.length - a.length; });
    var first = -1;
    ms.forEach(function (m) {
      var i = folded.indexOf(m);
      if (i >= 0 && (first < 0 || i < first)) first = i;
    });
    var start = first < 0 ? 0 : Math.max(0, first - 30);
    var end = Math.min(text.length, start + 140);
    if (start > 0) el.appendChild(document.createTextNode("…"));
    var i = start, plain = start;
    while (i < end) {
      var hit = "";
      for (var k = 0; k < ms.length; k++) {
        if (folded.substr(i, ms[k].length) === ms[k]) { hit = ms[k]; break; }
      }
      if (!hit) { i++; continue; }
      if (i > plain) el.appendChild(document.createTextNode(text.slice(plain, i)));
      var mk = document.createElement("mark");
      mk.textContent = text.substr(i, hit.length);
      el.appendChild(mk);
      i += hit.length;
      plain = i;
    }
    if (end > plain) el.appendChild(document.createTextNode(text.slice(plain, end)));
    if (end < text.length) el.appendChild(document.createTextNode("…"));
  }

  function href(u) {
    return root + u.replace(/^\//, "");
  }

  var seq = 0, current = null, shown = 0;
  function render(items, marks) {
    items.forEach(function (d) {
      var li = document.createElement("li");
      li.className = "search-result";
      var h = document.createElement("h2");
      var a = document.createElement("a");
      a.href = href(d.url);
      a.textContent = d.title;
      h.appendChild(a);
      li.appendChild(h);
      var meta = document.createElement("p");
      meta.className = "search-meta";
      var lab = document.createElement("span");
      lab.className = "search-label";
      lab.textContent = d.label;
      meta.appendChild(lab);
      if (d.status) {
        var st = document.createElement("span");
        st.className = "search-state " + (d.status === "现行" ? "is-current" : "is-expired");
        st.textContent = d.status;
        meta.appendChild(st);
      }
      li.appendChild(meta);
      var p = document.createElement("p");
      p.className = "search-snippet";
      snippet(p, d.text, marks);
      li.appendChild(p);
      list.appendChild(li);
    });
  }
  function showMore() {
    var my = seq, r = current;
    if (!r) return Promise.resolve();
    var slice = r.hits.slice(shown, shown + PAGE);
    return Promise.all(slice.map(function (h) { return getDoc(h.doc); })).then(function (ds) {
      if (my !== seq) return;
      var firstNew = shown;
      render(ds, r.marks);
      shown += ds.length;
      if (more) more.hidden = shown >= r.hits.length;
      return firstNew;
    });
  }
  function run(q) {
    var my = ++seq;
    q = q.trim();
    if (!q) {
      current = null;
      list.textContent = "";
      list.hidden = true;
      if (more) more.hidden = true;
      status.textContent = "";
      setURL("");
      return Promise.resolve();
    }
    if (!manifest) status.textContent = "正在载入搜索索引……";
    return search(q).then(function (r) {
      if (my !== seq) return;
      current = r;
      shown = 0;
      list.textContent = "";
      list.hidden = r.hits.length === 0;
      setURL(q);
      return showMore().then(function () {
        if (my !== seq) return;
        status.textContent = r.hits.length === 0
          ? "没有找到与“" + q + "”相关的内容。可以换个说法，或按下方类别查找。"
          : "找到 " + r.hits.length + " 条与“" + q + "”相关的结果";
        app.setAttribute("data-results", String(r.hits.length));
      });
    }).catch(function () {
      if (my !== seq) return;
      status.textContent = "搜索索引载入失败，请检查网络后重试。";
    });
  }
  function setURL(q) {
    if (!window.history || !history.replaceState) return;
    var u = new URL(location.href);
    if (q) u.searchParams.set("q", q); else u.searchParams.delete("q");
    history.replaceState(null, "", u.href);
  }

  input.addEventListener("input", function () { run(input.value); });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    run(input.value);
  });
  if (more) {
    more.addEventListener("click", function () {
      showMore().then(function (firstNew) {
        var li = list.children[firstNew];
        var a = li && li.querySelector("a");
        if (a) a.focus();
      });
    });
  }
  // ↓ from the box enters the results; ↑/↓ move between them; Esc goes back.
  function links() { return Array.prototype.slice.call(list.querySelectorAll(".search-result h2 a")); }
  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown") {
      var ls = links();
      if (ls.length) { e.preventDefault(); ls[0].focus(); }
    }
  });
  list.addEventListener("keydown", function (e) {
    var ls = links(), i = ls.indexOf(document.activeElement);
    if (i < 0) return;
    if (e.key === "ArrowDown" && i + 1 < ls.length) { e.preventDefault(); ls[i + 1].focus(); }
    else if (e.key === "ArrowUp") { e.preventDefault(); (i > 0 ? ls[i - 1] : input).focus(); }
    else if (e.key === "Escape") { e.preventDefault(); input.focus(); }
  });

  var q0 = new URLSearchParams(location.search).get("q");
  if (q0) {
    input.value = q0;
    run(q0);
  }
})();
