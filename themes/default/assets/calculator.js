// The calculator page. The question steps are HTML rendered by the
// generator from questions.toml, so a reader starts answering at once; the
// Go engine (WebAssembly) downloads meanwhile and gives the results. There is
// NO rule logic here: statuses, amounts, calculations, "how close" hints,
// which questions still matter and the parsing of numbers ("3万", "30,000")
// all come from policyguideEvaluate's JSON.
//
// Nothing leaves the browser: the only requests are rules.json, the wasm, Go's
// wasm_exec.js and measures.json, all from this site. Answers live in the
// page and in the URL fragment (#…), which is never sent to a server.

const app = document.getElementById("calc-app");

// ───────────────────────── loading the engine ─────────────────────────

// loadEngine resolves when policyguideEvaluate is registered.
async function loadEngine(root) {
  if (typeof WebAssembly !== "object" || typeof WebAssembly.instantiate !== "function") {
    throw new Error("no WebAssembly");
  }
  // the wasm is the long download: start it first, with the rest in parallel
  const wasm = fetch(root.dataset.wasm);
  wasm.catch(() => {}); // a failure is reported when it is awaited below
  const loaded = await Promise.all([fetchText(root.dataset.rules), fetchJSON(root.dataset.measures).catch(() => null), loadScript(root.dataset.wasmExec)]);
  globalThis.policyguideRules = loaded[0];
  const go = new globalThis.Go();
  const instance = await instantiate(wasm, go.importObject);
  const ready = waitReady(30000);
  go.run(instance).catch((e) => console.warn("calculator engine stopped:", e));
  await ready;
  return { rules: JSON.parse(loaded[0]), measures: loaded[1] };
}

function failBanner(root, status, msg, retry) {
  status.className = "calc-failed";
  status.setAttribute("role", "alert");
  status.textContent = msg;
  if (retry) {
    const b = el("button", { type: "button", class: "calc-button" }, "重新加载");
    b.addEventListener("click", () => location.reload());
    status.append(" ", b);
  }
  root.classList.add("calc-unavailable");
}

async function fetchText(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r.text();
}

async function fetchJSON(url) {
  return JSON.parse(await fetchText(url));
}

function loadScript(src) {
  if (typeof globalThis.Go === "function") return Promise.resolve();
  return new Promise((resolve, reject) => {
    const s = document.createElement("script");
    s.src = src;
    s.onload = resolve;
    s.onerror = () => reject(new Error(`cannot load ${src}`));
    document.head.append(s);
  });
}

// instantiate streams the wasm when the server sends application/wasm and
// falls back to a whole download otherwise (some static hosts get it wrong).
async function instantiate(response, imports) {
  const r = await response;
  if (!r.ok) throw new Error(`${r.url}: HTTP ${r.status}`);
  const type = r.headers.get("content-type") || "";
  if (typeof WebAssembly.instantiateStreaming === "function" && type.startsWith("application/wasm")) {
    return (await WebAssembly.instantiateStreaming(r, imports)).instance;
  }
  return (await WebAssembly.instantiate(await r.arrayBuffer(), imports)).instance;
}

// waitReady resolves when the Go side marks <html data-wasm="ready">.
function waitReady(ms) {
  const html = document.documentElement;
  return new Promise((resolve, reject) => {
    const check = () => {
      const v = html.dataset.wasm;
      if (v === "ready") done(resolve);
      else if (v) done(() => reject(new Error(`engine: ${v}`)));
    };
    const obs = new MutationObserver(check);
    const timer = setTimeout(() => done(() => reject(new Error("engine did not start"))), ms);
    function done(f) {
      obs.disconnect();
      clearTimeout(timer);
      f();
    }
    obs.observe(html, { attributes: true, attributeFilter: ["data-wasm"] });
    check();
  });
}

function formatSize(bytes) {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1e3))} KB`;
}


// ───────────────────────── the question flow ─────────────────────────

const UNKNOWN = "unknown";
const ICON = { eligible: "✓", ineligible: "✗", possible: "?", expired: "!", not_yet: "…" };
const LABEL = { eligible: "符合", ineligible: "不符合", possible: "可能符合", expired: "已到期", not_yet: "未生效" };

class Flow {
  constructor(root) {
    this.root = root;
    this.form = root.querySelector("#calc-form");
    this.steps = [...root.querySelectorAll(".calc-step")];
    this.byStep = new Map(this.steps.map((s) => [s.dataset.step, s]));
    this.answers = new Map(); // question id → "true" / "false" / choice value / number as typed / "unknown"
    this.audience = "";
    this.needs = new Set();
    this.current = "start";
    this.returnTo = "";
    this.engine = null; // {rules, measures} once ready
    this.failed = false;
    this.last = null; // last engine result
    this.qSteps = new Map(); // question id → step id
    this.qLabel = new Map();
    for (const s of this.steps) {
      for (const q of s.querySelectorAll("[data-q]")) {
        this.qSteps.set(q.dataset.q, s.dataset.step);
        const l = q.querySelector("legend, label");
        this.qLabel.set(q.dataset.q, l ? l.firstChild.textContent.trim() : q.dataset.q);
      }
    }
  }

  init() {
    const r = this.root;
    r.classList.add("calc-js");
    this.date = r.querySelector("#calc-date");
    this.date.value = today();
    this.status = el("p", { class: "calc-loading", role: "status" }, "计算引擎正在后台下载，您可以先回答问题。");
    this.form.before(this.status);
    if (performance.mark) performance.mark("calc-usable"); // the budgets test reads these marks

    this.form.addEventListener("submit", (e) => e.preventDefault());
    this.form.addEventListener("change", (e) => this.changed(e.target, true));
    this.form.addEventListener("input", (e) => this.changed(e.target, false));
    this.form.addEventListener("click", (e) => {
      const b = e.target.closest("button");
      if (!b) return;
      if (b.hasAttribute("data-next")) this.next();
      else if (b.hasAttribute("data-back")) this.go(this.current === "results" ? "check" : this.prev(this.current), true);
      else if (b.dataset.edit) this.edit(b.dataset.edit);
    });
    // Enter in a number field moves on, as in a paper form.
    this.form.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && e.target.matches("input[type=text]")) {
        e.preventDefault();
        this.next();
      }
    });
    // Back and Forward change the step; the answers in memory are newer
    // than those of an older history entry, so they stay (and are written
    // into that entry).
    // A fragment this page did not write (a share link pasted into the
    // address bar) is read in full.
    this.written = new Set();
    window.addEventListener("popstate", () => {
      if (!this.written.has(location.hash)) return this.restore(false);
      const step = new URLSearchParams(location.hash.slice(1)).get("s") || "start";
      if (!this.audience && step !== "start") return this.restore(false);
      this.go(this.byStep.has(step) ? step : "start", false);
    });
    this.restore(true);

    loadEngine(r).then(
      (eng) => {
        this.engine = eng;
        this.deps = new Map();
        this.measures = new Map();
        for (const m of (eng.measures && eng.measures.measures) || []) {
          this.measures.set(m.id, m);
          for (const d of [...(m.lead || []), ...(m.partners || [])]) this.deps.set(d.name, d.id);
        }
        this.status.remove();
        document.documentElement.dataset.calc = "ready";
        if (performance.mark) performance.mark("calc-ready");
        this.evaluate();
        if (this.current === "results") this.showResults();
        else this.filterStep(this.current);
      },
      (e) => {
        console.warn("calculator failed to load:", e);
        this.failed = true;
        failBanner(r, this.status, typeof WebAssembly !== "object" ? "您的浏览器不支持 WebAssembly，无法计算结果。请换用较新版本的浏览器，或阅读各项政策页面、咨询负责部门。" : "计算引擎加载失败，答案已保留。请检查网络连接后重新加载；也可以阅读各项政策页面，或直接咨询负责部门。", true);
        if (this.current === "results") this.showResults();
      },
    );
  }

  // ── answers ──
  changed(t, committed) {
    if (t.name === "audience") {
      this.audience = t.value;
      this.syncNeeds();
    } else if (t.name === "need") {
      if (t.checked) this.needs.add(t.value);
      else this.needs.delete(t.value);
    } else if (t.id === "calc-date") {
      // the date is read when evaluating
    } else if (t.dataset.unknown) {
      const id = t.dataset.unknown;
      const input = this.form.querySelector(`#q-${id}`);
      if (t.checked) {
        input.value = "";
        this.answers.set(id, UNKNOWN);
      } else this.answers.delete(id);
      this.fieldError(id, "");
    } else if (t.name && this.qSteps.has(t.name)) {
      const id = t.name;
      if (t.type === "text") {
        const v = t.value.trim();
        if (v === "") this.answers.delete(id);
        else this.answers.set(id, v);
        const unk = this.form.querySelector(`[data-unknown="${id}"]`);
        if (unk && v !== "") unk.checked = false;
        // errors are said once the field is left (change), never while typing
        if (committed) this.fieldError(id, this.errorFor(id));
        else if (!this.errorFor(id)) this.fieldError(id, "");
      } else if (t.checked) this.answers.set(id, t.value);
    } else return;
    if (committed) this.save(false);
  }

  // input is the JSON the engine takes.
  input() {
    const answers = {};
    for (const id of this.answers.keys()) {
      const v = this.answers.get(id);
      if (v === UNKNOWN) continue;
      answers[id] = v === "true" ? true : v === "false" ? false : v; // numbers stay text: the engine reads "3万"
    }
    const out = { audience: this.audience, answers };
    if (this.date.value) out.date = this.date.value;
    return out;
  }

  evaluate() {
    if (!this.engine || !this.audience) return null;
    try {
      this.last = JSON.parse(globalThis.policyguideEvaluate(JSON.stringify(this.input())));
    } catch (e) {
      console.warn("evaluate failed:", e);
      this.last = { errors: [{ message: "计算出错，请刷新页面后重试。" }], results: [] };
    }
    return this.last;
  }

  errorFor(id) {
    const res = this.evaluate();
    if (!res) return "";
    const e = (res.errors || []).find((x) => x.question === id);
    return e ? e.message : "";
  }

  fieldError(id, msg) {
    const err = this.form.querySelector(`#q-${id}-err`);
    const input = this.form.querySelector(`#q-${id}`);
    if (!err || !input) return;
    err.textContent = msg;
    err.hidden = !msg;
    if (msg) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }

  // ── steps ──
  applies(step) {
    const s = this.byStep.get(step);
    if (!s || !s.dataset.audience) return step === "start" || step === "check" || step === "results";
    if (!s.dataset.audience.split(" ").includes(this.audience)) return false;
    const needs = (s.dataset.needs || "").split(" ").filter(Boolean);
    return !needs.length || !this.needs.size || needs.some((n) => this.needs.has(n));
  }

  // visible lists the questions of a step worth asking: all of them until the
  // engine is ready, then those that can still change a result or are answered.
  visible(step) {
    const s = this.byStep.get(step);
    const qs = [...s.querySelectorAll("[data-q]")];
    const res = this.evaluate();
    if (!res) return qs;
    const ask = new Set(res.ask || []);
    return qs.filter((q) => ask.has(q.dataset.q) || this.answers.has(q.dataset.q));
  }

  order() {
    return this.steps.map((s) => s.dataset.step).filter((id) => this.applies(id) && (!this.byStep.get(id).dataset.audience || this.visible(id).length > 0));
  }

  prev(step) {
    const o = this.order();
    const i = o.indexOf(step);
    return i > 0 ? o[i - 1] : "start";
  }

  next() {
    const cur = this.current;
    if (cur === "start" && !this.audience) {
      this.startError("请先选择“您是”哪一类。");
      return;
    }
    // a number the engine cannot read stops here, with the message at the field
    for (const q of this.byStep.get(cur).querySelectorAll(".calc-q-number:not([hidden])")) {
      const msg = this.answers.has(q.dataset.q) && this.answers.get(q.dataset.q) !== UNKNOWN ? this.errorFor(q.dataset.q) : "";
      this.fieldError(q.dataset.q, msg);
      if (msg) {
        this.form.querySelector(`#q-${q.dataset.q}`).focus();
        return;
      }
    }
    if (this.returnTo && cur !== "start") {
      const to = this.returnTo;
      this.returnTo = "";
      this.go(to, true);
      return;
    }
    const o = this.order();
    const i = o.indexOf(cur);
    this.go(o[Math.min(i + 1, o.length - 1)] || "check", true);
  }

  startError(msg) {
    let p = this.root.querySelector("#start-err");
    if (!p) {
      p = el("p", { class: "calc-error", id: "start-err", role: "alert" });
      this.root.querySelector("#q-audience legend").after(p);
    }
    p.textContent = msg;
    this.root.querySelector("#q-audience input").focus();
  }

  edit(qid) {
    this.returnTo = "check";
    this.go(this.qSteps.get(qid), true, qid);
  }

  go(step, push, focusQ) {
    if (!this.byStep.has(step)) step = "start";
    this.current = step;
    for (const s of this.steps) s.hidden = s.dataset.step !== step;
    if (step === "check") this.showCheck();
    if (step === "results") this.showResults();
    if (step !== "start" && step !== "check" && step !== "results") this.filterStep(step);
    this.save(push);
    const target = focusQ ? this.form.querySelector(`#q-${focusQ}, [name="${focusQ}"]`) : this.byStep.get(step).querySelector("h2");
    if (target) {
      target.focus();
      if (target.scrollIntoView) target.scrollIntoView({ block: focusQ ? "center" : "start" });
    }
  }

  filterStep(step) {
    const s = this.byStep.get(step);
    if (!s || !s.dataset.audience) return;
    const show = new Set(this.visible(step));
    for (const q of s.querySelectorAll("[data-q]")) q.hidden = !show.has(q);
  }

  syncNeeds() {
    for (const l of this.root.querySelectorAll(".calc-needs [data-audience]")) {
      const on = l.dataset.audience.split(" ").includes(this.audience);
      l.hidden = !on;
      const box = l.querySelector("input");
      if (!on && box.checked) {
        box.checked = false;
        this.needs.delete(box.value);
      }
    }
    const e = this.root.querySelector("#start-err");
    if (e) e.remove();
  }

  // ── 检查您的回答 ──
  showCheck() {
    const dl = this.root.querySelector("#calc-answers");
    const kids = [];
    const aud = this.root.querySelector(`#aud-${this.audience}`);
    kids.push(el("div", { class: "calc-answer" }, el("dt", {}, "您是"), el("dd", {}, aud ? aud.parentNode.textContent.trim() : this.audience)));
    for (const id of this.order()) {
      if (!this.byStep.get(id).dataset.audience) continue;
      for (const q of this.visible(id)) {
        const qid = q.dataset.q;
        const b = el("button", { type: "button", class: "calc-linkbutton", "data-edit": qid }, "修改", el("span", { class: "calc-sr" }, `：${this.qLabel.get(qid)}`));
        kids.push(el("div", { class: "calc-answer" }, el("dt", {}, this.qLabel.get(qid)), el("dd", {}, this.answerText(qid)), el("dd", { class: "calc-change" }, b)));
      }
    }
    dl.replaceChildren(...kids);
  }

  answerText(qid) {
    const v = this.answers.get(qid);
    if (v === undefined) return "未回答（按不确定计算）";
    if (v === UNKNOWN) return "不确定";
    const box = this.form.querySelector(`[data-q="${qid}"]`);
    if (box.classList.contains("calc-q-number")) {
      const unit = box.querySelector(".calc-unit");
      return v + (unit ? unit.textContent : "");
    }
    const input = [...box.querySelectorAll("input")].find((i) => i.value === v);
    return input ? input.parentNode.textContent.trim() : v;
  }

  // ── results ──
  showResults() {
    const out = this.root.querySelector("#calc-results");
    if (this.failed) {
      out.replaceChildren(el("p", { class: "calc-failed" }, "计算引擎未能加载，暂时无法显示结果。您的答案已保存在本页地址中，重新加载后不会丢失。"));
      return;
    }
    const res = this.evaluate();
    if (!res) {
      out.replaceChildren(el("p", { class: "calc-loading", role: "status" }, "正在准备计算结果，请稍候…"));
      return;
    }
    const t0 = performance.now();
    out.replaceChildren(...this.resultNodes(res));
    document.documentElement.dataset.results = "ready";
    this.renderMs = performance.now() - t0;
  }

  // chosen: the benefits of the chosen needs' measures (all when none chosen).
  chosen(r) {
    if (!this.needs.size) return true;
    const ms = new Set();
    for (const l of this.root.querySelectorAll(".calc-needs [data-measures]")) {
      if (this.needs.has(l.querySelector("input").value)) for (const m of l.dataset.measures.split(" ")) ms.add(m);
    }
    return ms.has(r.measure);
  }

  resultNodes(res) {
    const all = res.results || [];
    const results = all.filter((r) => this.chosen(r));
    const other = all.length - results.length;
    const by = (st) => results.filter((r) => r.status === st);
    const eligible = by("eligible");
    const possible = by("possible");
    const expired = results.filter((r) => r.status === "expired" || r.status === "not_yet");
    const inel = by("ineligible");
    const nodes = [];

    // actions first: print and read aloud are a Tab away from the heading
    const actions = el("div", { class: "calc-buttons" });
    const print = el("button", { type: "button", class: "calc-button", id: "calc-print-btn" }, "打印申领清单");
    print.addEventListener("click", () => {
      this.buildPrint(res);
      window.print();
    });
    actions.append(print);
    const speak = speakButton(() => this.speechText(res, eligible, possible));
    if (speak) actions.append(speak);
    nodes.push(actions);

    const errs = (res.errors || []).map((e) => e.message);
    if (errs.length) nodes.push(el("ul", { class: "calc-error" }, ...errs.map((m) => el("li", {}, m))));
    const total = sumEligible(eligible);
    nodes.push(el("p", { class: "calc-summary", id: "calc-summary" }, this.summaryText(eligible, possible, expired, inel, other)));
    if (total) nodes.push(el("p", { class: "calc-total" }, el("strong", {}, "估算合计：", total), el("span", { class: "calc-hint" }, "（只把“符合”且金额确定的项目相加；以审批结果为准）")));
    nodes.push(el("p", { class: "calc-notice" }, res.notice || ""));

    const list = el("div", { class: "calc-cards" });
    eligible.sort((a, b) => amountOf(b) - amountOf(a));
    for (const r of [...eligible, ...possible]) list.append(this.card(r));
    nodes.push(list);
    if (expired.length) {
      const box = el("div", { class: "calc-cards" }, ...expired.map((r) => this.card(r)));
      nodes.push(el("details", { class: "calc-inel-group" }, el("summary", {}, `已到期或未生效（${expired.length}项）`), box));
    }
    if (inel.length) {
      const box = el("div", { class: "calc-cards" }, ...inel.map((r) => this.card(r)));
      nodes.push(el("details", { class: "calc-inel-group" }, el("summary", {}, `不符合（${inel.length}项，含原因）`), box));
    }

    // share link and start again
    const url = el("input", { type: "text", id: "calc-share-url", readonly: "", class: "calc-share-url", value: location.href });
    const copy = el("button", { type: "button", class: "calc-button calc-button-quiet" }, "复制链接");
    const copied = el("span", { class: "calc-copied", role: "status" });
    copy.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(url.value);
      } catch {
        url.select();
        document.execCommand("copy");
      }
      copied.textContent = "已复制";
    });
    const reset = el("button", { type: "button", class: "calc-linkbutton" }, "清空答案，重新开始");
    reset.addEventListener("click", () => this.reset());
    nodes.push(
      el("div", { class: "calc-share" }, el("label", { for: "calc-share-url" }, "分享链接"), el("p", { class: "calc-hint" }, "答案只保存在这个链接里（“#”后面的部分不会发送给网站）。"), el("div", { class: "calc-share-row" }, url, copy, copied)),
      el("p", {}, reset),
    );
    return nodes;
  }

  summaryText(eligible, possible, expired, inel, other) {
    const parts = [];
    if (eligible.length) parts.push(`符合${eligible.length}项`);
    if (possible.length) parts.push(`可能符合${possible.length}项`);
    if (expired.length) parts.push(`已到期或未生效${expired.length}项`);
    if (inel.length) parts.push(`不符合${inel.length}项`);
    let s = parts.length ? parts.join("，") + "。" : "没有适用的计算项目。";
    if (other) s += `另有${other}项与您选择的需要无关，未列出。`;
    return s;
  }

  card(r) {
    const st = r.status;
    const c = el("article", { class: `calc-card calc-${st}`, id: `r-${r.benefit}`, "aria-labelledby": `r-${r.benefit}-h` });
    c.append(el("h3", { id: `r-${r.benefit}-h` }, r.name), el("p", { class: `calc-badge calc-badge-${st}` }, el("span", { "aria-hidden": "true", class: "calc-icon" }, ICON[st] || "•"), LABEL[st] || st));
    if (r.expiry) c.append(el("p", { class: "calc-expiry" }, r.expiry));
    const a = r.amount || {};
    if (a.form && a.form !== "none" && a.text && st !== "ineligible") {
      const known = a.value || a.min || a.max;
      const label = !known ? "" : a.form === "loan" ? "贷款额度：" : st === "expired" ? "原本可得：" : "金额：";
      c.append(el("p", { class: "calc-amount" }, label && el("span", { class: "calc-amount-label" }, label), el("strong", {}, a.text)));
    }
    if (r.calculation && st !== "ineligible") c.append(el("p", { class: "calc-calculation" }, el("span", { class: "calc-label" }, "计算："), r.calculation));
    if (st === "ineligible") {
      const why = (r.criteria || []).filter((k) => k.met === false).map((k) => k.label);
      if (why.length) c.append(el("p", { class: "calc-why" }, el("span", { class: "calc-label" }, "原因："), "不满足“" + why.join("”“") + "”"));
    }
    if (st === "possible" && r.missing && r.missing.length) {
      const ul = el("ul", {});
      for (const m of r.missing.slice(0, 2)) {
        ul.append(el("li", {}, this.qSteps.has(m.id) ? el("button", { type: "button", class: "calc-linkbutton", "data-edit": m.id }, m.label) : m.label));
      }
      c.append(el("div", { class: "calc-missing" }, el("p", {}, "取决于："), ul));
    }
    if (r.closer && r.closer.length) c.append(el("ul", { class: "calc-closer" }, ...r.closer.map((x) => el("li", {}, x.text))));
    if (r.criteria && r.criteria.length) {
      const ul = el("ul", { class: "calc-criteria" });
      for (const k of r.criteria) {
        const state = k.met === true ? "yes" : k.met === false ? "no" : "unknown";
        const li = el("li", { class: `calc-crit calc-crit-${state}` }, el("span", { class: "calc-icon", "aria-hidden": "true" }, { yes: "✓", no: "✗", unknown: "?" }[state]), el("span", { class: "calc-sr" }, { yes: "已满足：", no: "不满足：", unknown: "尚不确定：" }[state]), k.label);
        if (k.cite) li.append(citation(k.cite, k.anchor));
        ul.append(li);
      }
      const extra = [el("summary", {}, "条件和原文"), ul];
      if (r.notes && r.notes.length) extra.push(el("ul", { class: "calc-notes" }, ...r.notes.map((n) => el("li", {}, n.text))));
      c.append(el("details", { class: "calc-details" }, ...extra));
    }
    if (r.departments && r.departments.length) {
      const dd = el("p", { class: "calc-facts" }, el("span", { class: "calc-label" }, "负责部门："));
      r.departments.forEach((d, i) => {
        if (i) dd.append("、");
        const id = this.deps.get(d);
        dd.append(id ? el("a", { href: siteURL(`departments/${id}/`) }, d) : d);
      });
      c.append(dd);
    }
    if (r.measure) {
      const m = this.measures.get(r.measure);
      c.append(el("p", { class: "calc-more" }, el("a", { href: siteURL(`measures/${r.measure}/`) }, m ? `政策详情：${m.label} ${m.title}` : "政策详情")));
    }
    return c;
  }

  speechText(res, eligible, possible) {
    const parts = [this.root.querySelector("#calc-summary").textContent];
    for (const r of [...eligible, ...possible]) parts.push(`${r.name}，${LABEL[r.status]}${r.amount && r.amount.text && r.status === "eligible" ? "，" + r.amount.text : ""}。`);
    parts.push(res.notice || "");
    return parts.join("");
  }

  // ── 申领清单 (print) ──
  buildPrint(res) {
    const d = this.root.dataset;
    const sheet = this.root.querySelector("#calc-print");
    const results = (res.results || []).filter((r) => this.chosen(r) && (r.status === "eligible" || r.status === "possible"));
    const code = receiptCode(d.rulesHash || "", res.date || this.date.value, this.input().answers);
    const answers = el("ul", { class: "calc-print-answers" });
    for (const id of this.answers.keys()) if (this.qLabel.has(id)) answers.append(el("li", {}, `${this.qLabel.get(id)}：${this.answerText(id)}`));
    if (!answers.children.length) answers.append(el("li", {}, "（未填写答案）"));
    const items = results.map((r) => {
      const crit = (r.criteria || []).map((k) => `${k.met === true ? "✓" : k.met === false ? "✗" : "?"}${k.label}`).join("；");
      return el("li", {},
        el("strong", {}, `${r.name}：${LABEL[r.status]}`), r.amount && r.amount.text && r.amount.form !== "none" ? `，${r.amount.text}` : "",
        el("br", {}), el("span", {}, `条件：${crit}`),
        el("br", {}), el("span", {}, `请向${(r.departments || []).join("、") || "负责部门"}咨询所需材料（文件未列出申请材料）。`));
    });
    sheet.replaceChildren(
      el("p", { class: "calc-print-site" }, d.site || ""),
      el("h2", {}, "申领清单"),
      el("p", {}, `依据：${d.doc || ""}　计算日期：${res.date || this.date.value}　核对码：${code}`),
      el("h3", {}, "填写的情况"),
      answers,
      el("h3", {}, "符合和可能符合的项目"),
      results.length ? el("ol", {}, ...items) : el("p", {}, "没有符合或可能符合的项目。"),
      el("p", { class: "calc-print-note" }, (res.notice || "") + " 核对码由计算规则版本、计算日期和填写的答案生成，工作人员可据此核对所用规则。"),
    );
    sheet.hidden = false;
  }

  // ── the URL fragment: step, audience, needs, date and answers ──
  save(push) {
    const p = new URLSearchParams();
    p.set("s", this.current);
    if (this.audience) p.set("aud", this.audience);
    if (this.needs.size) p.set("need", [...this.needs].join(","));
    if (this.date.value && this.date.value !== today()) p.set("d", this.date.value);
    // one parameter per answer ("a.premiums=30%2C000"): a typed value may
    // hold any character, and URLSearchParams encodes each one exactly
    this.answers.forEach((v, id) => p.append(`a.${id}`, v === "true" ? "1" : v === "false" ? "0" : v));
    const url = location.pathname + location.search + "#" + p.toString();
    if (push && url !== location.pathname + location.search + location.hash) history.pushState(null, "", url);
    else history.replaceState(null, "", url);
    this.written.add(location.hash);
    const share = this.root.querySelector("#calc-share-url");
    if (share) share.value = location.href;
  }

  restore(first) {
    const p = new URLSearchParams(location.hash.slice(1));
    const aud = p.get("aud") || "";
    const radio = aud && this.root.querySelector(`#aud-${CSS.escape(aud)}`);
    this.audience = radio ? aud : "";
    for (const r of this.root.querySelectorAll("input[name=audience]")) r.checked = r === radio;
    this.syncNeeds();
    this.needs = new Set((p.get("need") || "").split(",").filter((n) => this.root.querySelector(`#need-${CSS.escape(n)}`)));
    for (const b of this.root.querySelectorAll("input[name=need]")) b.checked = this.needs.has(b.value);
    if (/^\d{4}-\d{2}-\d{2}$/.test(p.get("d") || "")) this.date.value = p.get("d");
    this.answers.clear();
    for (const key of p.keys()) {
      const id = key.slice(2);
      if (!key.startsWith("a.") || !this.qSteps.has(id)) continue;
      let v = p.get(key).trim();
      const box = this.form.querySelector(`[data-q="${id}"]`);
      if (box.classList.contains("calc-q-bool")) v = v === "1" ? "true" : v === "0" ? "false" : v;
      if (v !== "") this.answers.set(id, v);
    }
    for (const id of this.qSteps.keys()) {
      const v = this.answers.get(id);
      const box = this.form.querySelector(`[data-q="${id}"]`);
      if (box.classList.contains("calc-q-number")) {
        box.querySelector("input[type=text]").value = v && v !== UNKNOWN ? v : "";
        box.querySelector("[data-unknown]").checked = v === UNKNOWN;
      } else for (const i of box.querySelectorAll("input")) i.checked = i.value === v;
    }
    let step = p.get("s") || "start";
    if (!this.byStep.has(step) || (step !== "start" && !this.audience)) step = "start";
    this.current = step;
    for (const s of this.steps) s.hidden = s.dataset.step !== step;
    if (step === "check") this.showCheck();
    if (step === "results") this.showResults();
    else this.filterStep(step);
    if (!first) {
      const h = this.byStep.get(step).querySelector("h2");
      if (h) h.focus();
    }
  }

  reset() {
    this.answers.clear();
    this.needs.clear();
    this.audience = "";
    history.pushState(null, "", location.pathname + location.search + "#s=start");
    this.restore(false);
  }
}

// amountOf orders eligible results by amount, largest first (display only).
function amountOf(r) {
  const a = r.amount || {};
  return Number(a.value || a.max || a.min || 0);
}

function sumEligible(results) {
  let sum = null;
  for (const r of results) {
    if (!r.amount || r.amount.form !== "exact" || !r.amount.value) continue;
    const v = parseDecimal(r.amount.value);
    if (!v) return "";
    sum = sum ? addDecimal(sum, v) : v;
  }
  return sum ? formatDecimal(sum) + "元" : "";
}

// receiptCode: rules version · date · answers, e.g. "3fa2c1d0-20231101-K7Q2M9".
// The office can tell which rules (rules.json hash) produced a 申领清单.
function receiptCode(rulesHash, date, answers) {
  const keys = Object.keys(answers).sort();
  const text = keys.map((k) => `${k}=${answers[k]}`).join("&");
  let h = 0x811c9dc5; // FNV-1a, 32 bit: a check code, not a secret
  for (const ch of new TextEncoder().encode(text)) {
    h ^= ch;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `${rulesHash}-${String(date).replace(/-/g, "")}-${h.toString(36).toUpperCase().padStart(7, "0")}`;
}

// speakButton: 朗读 with the browser's own speech synthesis and a Chinese
// voice; no button when the device has neither (no third-party service).
function speakButton(text) {
  const synth = globalThis.speechSynthesis;
  if (!synth || typeof SpeechSynthesisUtterance !== "function") return null;
  const zh = () => synth.getVoices().find((v) => /^zh/i.test(v.lang));
  const b = el("button", { type: "button", class: "calc-button calc-button-quiet", hidden: "" }, "朗读结果");
  const show = () => (b.hidden = !zh());
  show();
  synth.addEventListener && synth.addEventListener("voiceschanged", show);
  b.addEventListener("click", () => {
    if (synth.speaking) {
      synth.cancel();
      b.textContent = "朗读结果";
      return;
    }
    const u = new SpeechSynthesisUtterance(text());
    u.voice = zh() || null;
    u.lang = (u.voice && u.voice.lang) || "zh-CN";
    u.onend = () => (b.textContent = "朗读结果");
    b.textContent = "停止朗读";
    synth.speak(u);
  });
  return b;
}

// ───────────────────────── small helpers ─────────────────────────

function citation(cite, anchor) {
  const q = `“${cite}”`;
  return el("span", { class: "calc-cite" }, "（原文：", anchor ? el("a", { href: siteURL(anchor.includes("/") ? anchor : `document/#${anchor}`) }, q) : q, "）");
}

// siteURL turns a path inside the site ("measures/m8/") into a link, from
// the page's data-root (the site root, relative to the page, e.g. "../"), so
// the links work when the site is published in a sub-folder. Without
// data-root the root is the folder above data/rules.json.
function siteURL(path) {
  const d = app.dataset;
  const base = d.root ? new URL(d.root, location.href) : new URL("../", new URL(d.rules || "/data/rules.json", location.href));
  const u = new URL(path, base);
  return u.pathname + u.search + u.hash;
}

function el(tag, attrs, ...kids) {
  const n = document.createElement(tag);
  for (const k of Object.keys(attrs || {})) n.setAttribute(k, attrs[k]);
  for (const k of kids) if (k !== null && k !== undefined && k !== "") n.append(k);
  return n;
}

// syncChildren makes parent's children exactly nodes, moving only what moved.
function syncChildren(parent, nodes) {
  nodes.forEach((n, i) => {
    if (parent.children[i] !== n) parent.insertBefore(n, parent.children[i] || null);
  });
  while (parent.children.length > nodes.length) parent.lastElementChild.remove();
}

function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

function safeDecode(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return "";
  }
}

// Exact decimal addition for the total: [BigInt digits, scale].
function parseDecimal(s) {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(String(s || ""));
  if (!m) return null;
  const frac = m[3] || "";
  return [BigInt(m[1] + m[2] + frac), frac.length];
}

function addDecimal(a, b) {
  const s = Math.max(a[1], b[1]);
  return [a[0] * 10n ** BigInt(s - a[1]) + b[0] * 10n ** BigInt(s - b[1]), s];
}

function formatDecimal(d) {
  const n = d[0];
  const scale = d[1];
  const neg = n < 0n;
  let digits = (neg ? -n : n).toString().padStart(scale + 1, "0");
  let int = digits.slice(0, digits.length - scale);
  let frac = digits.slice(digits.length - scale).replace(/0+$/, "");
  int = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return (neg ? "-" : "") + int + (frac ? "." + frac : "");
}

if (app) new Flow(app).init();
