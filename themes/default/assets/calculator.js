// The calculator page: loads the Go engine (WebAssembly) and renders what it
// returns. There is NO rule logic here: every status, amount, text and the list
// of questions worth asking come from policyguideEvaluate's JSON. This file only
// builds form controls, sends the answers and shows the result.
//
// Nothing leaves the browser: the only requests are rules.json, the wasm, Go's
// wasm_exec.js and (optionally, for department links) measures.json, all from
// this site. Answers live in the page and in the URL fragment (#a=…).

const app = document.getElementById("calc-app");
if (app) start(app);

// ───────────────────────── loading ─────────────────────────

async function start(root) {
  const status = el("p", { class: "calc-loading", role: "status" }, "正在加载计算器…");
  root.prepend(status);
  root.classList.add("calc-js");

  if (typeof WebAssembly !== "object" || typeof WebAssembly.instantiate !== "function") {
    fail(root, status, "您的浏览器不支持 WebAssembly，无法运行计算器。请换用较新版本的浏览器（例如最新版的 Chrome、Edge、Firefox、Safari 或手机自带浏览器）打开本页。您也可以阅读下方的问题清单和各项政策页面，或直接咨询负责部门。", false);
    return;
  }
  const size = Number(root.dataset.wasmSize);
  if (size > 0) status.textContent = `正在下载计算器（约 ${formatSize(size)}），网络较慢时可能需要一些时间…`;

  try {
    // (no destructuring: the theme's esbuild target includes Safari 14,
    // for which esbuild cannot lower it)
    const loaded = await Promise.all([
      fetchText(root.dataset.rules),
      fetchJSON(root.dataset.measures || siteURL("data/measures.json")).catch(() => null), // names and department links only
      loadScript(root.dataset.wasmExec),
    ]);
    const rulesText = loaded[0];
    const measures = loaded[1];
    const rules = JSON.parse(rulesText);
    // The wasm reads the rules from this global before it registers its function.
    globalThis.policyguideRules = rulesText;
    const go = new globalThis.Go();
    const instance = await instantiate(root.dataset.wasm, go.importObject, (bytes) => {
      if (!(size > 0) && bytes > 0) status.textContent = `正在下载计算器（约 ${formatSize(bytes)}），网络较慢时可能需要一些时间…`;
    });
    const ready = waitReady(20000);
    go.run(instance).catch((e) => console.warn("calculator engine stopped:", e)); // not awaited: it runs until the page closes
    await ready;
    status.remove();
    new Calculator(root, rules, measures).init();
  } catch (e) {
    console.warn("calculator failed to load:", e);
    fail(root, status, "计算器加载失败。请检查网络连接后重试；如果仍然不行，请换用较新版本的浏览器。您也可以阅读各项政策页面，或直接咨询负责部门。", true);
  }
}

function fail(root, status, msg, retry) {
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
async function instantiate(url, imports, onSize) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  onSize(Number(r.headers.get("content-length")) || 0);
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

// ───────────────────────── the calculator ─────────────────────────

const UNKNOWN = "unknown";
const ORDER = { eligible: 0, possible: 1, expired: 2, not_yet: 3, ineligible: 4 };
const ICON = { eligible: "✓", ineligible: "✗", possible: "?", expired: "!", not_yet: "…" };
// The spec's fixed words for the statuses; the engine's status_label may add
// detail ("可能符合，取决于：…"), which the card shows in its own line.
const LABEL = { eligible: "符合", ineligible: "不符合", possible: "可能符合", expired: "已到期", not_yet: "未生效" };

class Calculator {
  constructor(root, rules, measures) {
    this.root = root;
    this.rules = rules;
    this.questions = rules.questions || [];
    this.qByID = new Map(this.questions.map((q) => [q.id, q]));
    this.benefitByID = new Map((rules.benefits || []).map((b) => [b.id, b]));
    this.audiences = audienceList(root, rules, this.questions);
    this.answers = new Map(); // question id → raw answer (string as typed, "true"/"false", choice value)
    this.audience = "";
    this.widgets = new Map(); // question id → {box, set(value), error}
    this.cards = new Map(); // benefit id → {key, node}
    this.deps = new Map(); // department name → id, from measures.json
    this.measures = new Map();
    for (const m of (measures && measures.measures) || []) {
      this.measures.set(m.id, m);
      for (const d of [...(m.lead || []), ...(m.partners || [])]) this.deps.set(d.name, d.id);
    }
  }

  init() {
    const r = this.root;
    // The page's static list of questions is for readers without JavaScript.
    for (const n of document.querySelectorAll(".calc-nojs, [data-nojs]")) n.hidden = true;
    r.classList.add("calc-ready");

    const form = el("form", { class: "calc-form", novalidate: "" });
    form.addEventListener("submit", (e) => e.preventDefault());

    // 1. who is asking
    const who = el("fieldset", { class: "calc-audience" }, el("legend", {}, this.audiences.every((x) => x.name.startsWith("我")) ? "请先选择：" : "请先选择：您是"));
    const opts = el("div", { class: "calc-options" });
    for (const a of this.audiences) {
      const id = `calc-aud-${a.id}`;
      const input = el("input", { type: "radio", name: "calc-audience", id, value: a.id });
      input.addEventListener("change", () => this.choose(a.id, true));
      opts.append(el("label", { for: id, class: "calc-option" }, input, " ", a.name));
    }
    who.append(opts);

    // 2. reference date
    const dateBox = el("div", { class: "calc-field calc-datefield" });
    this.date = el("input", { type: "date", id: "calc-date", "aria-describedby": "calc-date-hint calc-date-err" });
    this.date.value = today();
    // "input" fires once a whole date is typed; "change" when the picker closes
    for (const ev of ["input", "change"]) {
      this.date.addEventListener(ev, () => {
        this.update();
        this.save();
      });
    }
    this.dateErr = el("p", { class: "calc-error", id: "calc-date-err", hidden: "" });
    dateBox.append(
      el("label", { for: "calc-date" }, "按哪一天计算"),
      el("p", { class: "calc-hint", id: "calc-date-hint" }, "默认是今天。政策是否在有效期内、适用哪一时期的标准，都按这一天判断。"),
      this.date,
      this.dateErr,
    );

    // 3. questions: built once per audience, shown or hidden as the engine asks
    this.qHead = el("h2", { class: "calc-heading", id: "calc-questions-head", hidden: "" }, "回答问题");
    this.qIntro = el("p", { class: "calc-hint", hidden: "" }, "不清楚的问题可以选“不确定”或留空，结果会告诉您还取决于什么。回答之后可能会出现新的问题。");
    this.qList = el("ol", { class: "calc-questions", "aria-labelledby": "calc-questions-head" });
    // on a phone the results are far below the questions: say how things
    // stand and offer a jump (a button: a link would overwrite the #a= fragment)
    this.jumpText = el("span", {});
    const jumpBtn = el("button", { type: "button", class: "calc-linkbutton" }, "查看计算结果");
    jumpBtn.addEventListener("click", () => {
      const h = document.getElementById("calc-results-head");
      h.scrollIntoView({ block: "start" });
      h.focus();
    });
    this.jump = el("p", { class: "calc-jump", hidden: "" }, this.jumpText, " ", jumpBtn);
    form.append(who, dateBox, this.qHead, this.qIntro, this.jump, this.qList);

    // 4. results
    this.results = el("section", { class: "calc-results", "aria-labelledby": "calc-results-head", "aria-live": "polite", hidden: "" });
    this.printHead = el("div", { class: "calc-print-only" });
    this.notice = el("p", { class: "calc-notice" });
    this.summary = el("p", { class: "calc-summary" });
    this.total = el("p", { class: "calc-total", hidden: "" });
    this.generalErr = el("ul", { class: "calc-error", hidden: "" });
    this.list = el("div", { class: "calc-cards" });
    this.inelList = el("div", { class: "calc-cards" });
    this.inelSummary = el("summary", {});
    this.inel = el("details", { class: "calc-inel-group", hidden: "" }, this.inelSummary, this.inelList);
    this.results.append(
      el("h2", { class: "calc-heading", id: "calc-results-head", tabindex: "-1" }, "计算结果"),
      this.printHead,
      this.notice,
      this.generalErr,
      this.summary,
      this.total,
      this.list,
      this.inel,
    );

    // 5. share, print, start again
    this.actions = el("div", { class: "calc-actions", hidden: "" });
    const shareID = "calc-share-url";
    this.shareURL = el("input", { type: "text", id: shareID, readonly: "", class: "calc-share-url" });
    const copy = el("button", { type: "button", class: "calc-button" }, "复制链接");
    const copied = el("span", { class: "calc-copied", role: "status" });
    copy.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(this.shareURL.value);
      } catch {
        this.shareURL.select();
        document.execCommand("copy");
      }
      copied.textContent = "已复制";
      setTimeout(() => (copied.textContent = ""), 3000);
    });
    const print = el("button", { type: "button", class: "calc-button" }, "打印申领清单");
    print.addEventListener("click", () => window.print());
    const reset = el("button", { type: "button", class: "calc-button calc-button-quiet" }, "清空答案");
    reset.addEventListener("click", () => this.reset());
    this.actions.append(
      el("div", { class: "calc-share" },
        el("label", { for: shareID }, "分享链接"),
        el("p", { class: "calc-hint" }, "答案只保存在这个链接里（“#”后面的部分不会发送给网站），打开链接可以恢复同样的答案和结果。"),
        el("div", { class: "calc-share-row" }, this.shareURL, copy, copied)),
      el("div", { class: "calc-buttons" }, print, reset),
    );

    r.append(form, this.results, this.actions);

    if (this.audiences.length === 1) this.choose(this.audiences[0].id, false);
    this.restore();
    window.addEventListener("hashchange", () => this.restore());
  }

  // choose switches to an audience's questions.
  choose(aud, user) {
    if (!this.audiences.some((a) => a.id === aud)) return;
    this.audience = aud;
    const radio = document.getElementById(`calc-aud-${aud}`);
    if (radio) radio.checked = true;
    for (const q of this.questions) if (q.audience.includes(aud)) this.widget(q);
    this.qHead.hidden = this.qIntro.hidden = false;
    this.update();
    if (user) this.save();
  }

  // widget builds (once) the control of a question, in questions order.
  widget(q) {
    if (this.widgets.has(q.id)) return this.widgets.get(q.id);
    const w = q.type === "number" ? numberWidget(q, (v) => this.answer(q.id, v)) : radioWidget(q, (v) => this.answer(q.id, v));
    w.box.hidden = true;
    this.widgets.set(q.id, w);
    // keep the DOM in questions order, whatever the order of creation
    const after = this.questions.slice(this.questions.indexOf(q) + 1).find((x) => this.widgets.has(x.id) && x.id !== q.id);
    this.qList.insertBefore(w.box, after ? this.widgets.get(after.id).box : null);
    if (this.answers.has(q.id)) w.set(this.answers.get(q.id));
    return w;
  }

  answer(id, v) {
    if (v === UNKNOWN || v === "") this.answers.delete(id);
    else this.answers.set(id, v);
    this.update();
    this.save();
  }

  // input is the JSON the engine takes: only this audience's answers.
  input() {
    const answers = {};
    for (const q of this.questions) {
      if (!q.audience.includes(this.audience) || !this.answers.has(q.id)) continue;
      const v = this.answers.get(q.id);
      answers[q.id] = q.type === "bool" ? v === "true" : v; // numbers stay text: the engine parses them exactly
    }
    const out = { audience: this.audience, answers };
    if (this.date.value) out.date = this.date.value;
    return out;
  }

  update() {
    if (!this.audience) return;
    let res;
    try {
      res = JSON.parse(globalThis.policyguideEvaluate(JSON.stringify(this.input())));
    } catch (e) {
      console.warn("evaluate failed:", e);
      res = { error: "计算出错，请刷新页面后重试。" };
    }
    this.show(res);
  }

  show(res) {
    // which questions: the engine's "ask" plus every answered one
    const ask = new Set(res.ask || []);
    const errs = new Map();
    const general = [];
    if (res.error) general.push(res.error);
    for (const e of res.errors || []) {
      if (e.question && this.widgets.has(e.question) && this.answers.has(e.question)) errs.set(e.question, e.message);
      else if (e.field === "date") errs.set("date", e.message);
      else general.push(e.message);
    }
    for (const w of this.widgets.values()) {
      const id = w.id;
      const q = this.qByID.get(id);
      w.box.hidden = !(q.audience.includes(this.audience) && (ask.has(id) || this.answers.has(id)));
      w.error(errs.get(id) || "");
    }
    setError(this.date, this.dateErr, errs.get("date") || "");
    this.generalErr.replaceChildren(...general.map((m) => el("li", {}, m)));
    this.generalErr.hidden = general.length === 0;

    this.results.hidden = false;
    this.actions.hidden = false;
    this.jump.hidden = false;
    this.notice.textContent = res.notice || this.rules.notice || "";
    this.printHead.replaceChildren(
      el("h2", {}, "申领清单"),
      el("p", {}, `计算日期：${res.date || this.date.value}。以下是“符合”和“可能符合”的项目，请带着本清单向负责部门咨询，确认所需材料和办理方式。`),
    );
    this.renderResults(res.results || [], res);
    this.shareURL.value = location.href;
  }

  renderResults(results, res) {
    const byID = new Map(results.map((r) => [r.benefit, r]));
    const sorted = results.map((r, i) => [r, i]).sort((a, b) => (ORDER[a[0].status] ?? 9) - (ORDER[b[0].status] ?? 9) || a[1] - b[1]).map((x) => x[0]);
    const main = [];
    const inel = [];
    const seen = new Set();
    for (const r of sorted) {
      seen.add(r.benefit);
      // rebuild a card only when its result changed, so the live region
      // announces what changed and not the whole list
      const key = JSON.stringify(r);
      let c = this.cards.get(r.benefit);
      if (!c || c.key !== key) {
        const node = this.card(r, byID);
        if (c) c.node.replaceWith(node);
        c = { key, node };
        this.cards.set(r.benefit, c);
      }
      (r.status === "ineligible" ? inel : main).push(c.node);
    }
    for (const id of [...this.cards.keys()]) {
      if (!seen.has(id)) {
        this.cards.get(id).node.remove();
        this.cards.delete(id);
      }
    }
    syncChildren(this.list, main);
    syncChildren(this.inelList, inel);
    this.inel.hidden = inel.length === 0;
    this.inelSummary.textContent = `不符合的项目（${inel.length}项，可展开查看）`;

    const count = {};
    for (const r of sorted) count[r.status] = (count[r.status] || 0) + 1;
    const parts = Object.keys(count).map((k) => `${LABEL[k] || k}${count[k]}项`);
    const summary = results.length ? `共${results.length}项：${parts.join("，")}。` : "没有适用于所选对象的计算项目。";
    this.summary.textContent = summary;
    this.jumpText.textContent = `目前的结果：${summary}`;

    const total = this.sumEligible(results, res);
    this.total.hidden = !total;
    if (total) this.total.replaceChildren(el("strong", {}, "估算合计："), total, el("span", { class: "calc-hint" }, "（只把“符合”且金额确定的项目相加；仅供参考，以审批结果为准）"));
  }

  // sumEligible adds the exact amounts of eligible results (decimal strings
  // from the engine, added exactly, never as floats). The engine's own total,
  // if it gives one, wins.
  sumEligible(results, res) {
    if (res.total && res.total.text) return res.total.text;
    let sum = null;
    let unit = "";
    for (const r of results) {
      if (r.status !== "eligible" || !r.amount || r.amount.form !== "exact") continue;
      const u = r.amount.unit || (this.benefitByID.get(r.benefit) || {}).unit || "元";
      const v = parseDecimal(r.amount.value);
      if (!v || (unit && u !== unit)) return ""; // mixed units or unreadable: no total
      unit = u;
      sum = sum ? addDecimal(sum, v) : v;
    }
    return sum ? formatDecimal(sum) + unit : "";
  }

  card(r, byID) {
    const st = r.status;
    const c = el("article", { class: `calc-card calc-${st}`, id: `r-${r.benefit}`, "aria-labelledby": `r-${r.benefit}-h` });
    c.append(
      el("h3", { id: `r-${r.benefit}-h` }, r.name),
      el("p", { class: `calc-badge calc-badge-${st}` }, el("span", { "aria-hidden": "true", class: "calc-icon" }, ICON[st] || "•"), LABEL[st] || r.status_label || st),
    );
    if (r.expiry) c.append(el("p", { class: "calc-expiry" }, r.expiry));
    if (r.status_if_valid && r.status_if_valid !== st) {
      c.append(el("p", { class: "calc-expiry" }, `若在有效期内：${LABEL[r.status_if_valid] || r.status_if_valid}`));
    }
    const a = r.amount || {};
    if (a.form && a.form !== "none" && a.text) {
      // a label only for a known amount: an unknown one's text says what it depends on
      const known = a.value || a.min || a.max;
      const label = !known ? "" : a.form === "loan" ? "贷款额度：" : st === "expired" ? "原本可得：" : "金额：";
      c.append(el("p", { class: "calc-amount" }, label && el("span", { class: "calc-amount-label" }, label), el("strong", {}, a.text)));
    }
    if (r.calculation) c.append(el("p", { class: "calc-calculation" }, el("span", { class: "calc-label" }, "计算："), r.calculation));
    if (r.missing && r.missing.length) {
      // each missing answer is a button that takes the user to its question
      const ul = el("ul", {});
      for (const m of r.missing) {
        if (this.widgets.has(m.id)) {
          const b = el("button", { type: "button", class: "calc-linkbutton" }, m.label);
          b.addEventListener("click", () => this.focusQuestion(m.id));
          ul.append(el("li", {}, b));
        } else ul.append(el("li", {}, m.label));
      }
      // an eligible result can still miss answers its amount needs
      const head = st === "possible" ? "可能符合，取决于：" : st === "eligible" ? "金额还取决于：" : "结果还取决于：";
      c.append(el("div", { class: "calc-missing" }, el("p", {}, head), ul));
    }
    if (r.criteria && r.criteria.length) {
      const ul = el("ul", { class: "calc-criteria" });
      for (const k of r.criteria) {
        const state = k.met === true ? "yes" : k.met === false ? "no" : "unknown";
        const li = el("li", { class: `calc-crit calc-crit-${state}` },
          el("span", { class: "calc-icon", "aria-hidden": "true" }, { yes: "✓", no: "✗", unknown: "?" }[state]),
          el("span", { class: "calc-sr" }, { yes: "已满足：", no: "不满足：", unknown: "尚不确定：" }[state]),
          k.label);
        if (k.cite) li.append(citation(k.cite, k.anchor));
        ul.append(li);
      }
      c.append(el("h4", {}, "条件"), ul);
    }
    if (r.notes && r.notes.length) {
      const ul = el("ul", { class: "calc-notes" });
      for (const n of r.notes) {
        const li = el("li", {}, n.text);
        if (n.cite) li.append(citation(n.cite, n.anchor));
        ul.append(li);
      }
      c.append(el("h4", {}, "说明"), ul);
    }
    if (r.exclusions && r.exclusions.length) {
      const ul = el("ul", { class: "calc-exclusions" });
      for (const x of r.exclusions) {
        const other = byID.get(x.with) || this.benefitByID.get(x.with);
        ul.append(el("li", {}, x.label, other ? `（与“${other.name}”）` : ""));
      }
      c.append(el("h4", {}, "不能同时享受"), ul);
    }
    const dl = el("dl", { class: "calc-facts" });
    if (r.fund) dl.append(el("dt", {}, "资金来源"), el("dd", {}, r.fund));
    if (r.departments && r.departments.length) {
      const dd = el("dd", {});
      r.departments.forEach((d, i) => {
        if (i) dd.append("、");
        const id = this.deps.get(d);
        dd.append(id ? el("a", { href: siteURL(`departments/${id}/`) }, d) : d);
      });
      dl.append(el("dt", {}, "负责部门"), dd);
    }
    if (dl.children.length) c.append(dl);
    if (r.measure) {
      const m = this.measures.get(r.measure);
      const text = m ? `查看政策详情：${m.label} ${m.title}` : "查看这项政策的详情";
      c.append(el("p", { class: "calc-more" }, el("a", { href: siteURL(`measures/${r.measure}/`) }, text)));
    }
    if (st === "eligible" || st === "possible") {
      c.append(el("p", { class: "calc-print-only" }, "请向负责部门确认以上情况，并咨询需要准备的材料和办理方式。"));
    }
    return c;
  }

  focusQuestion(id) {
    const w = this.widgets.get(id);
    if (!w) return;
    w.box.hidden = false;
    w.box.scrollIntoView({ block: "center" });
    w.focus();
  }

  reset() {
    this.answers.clear();
    for (const w of this.widgets.values()) w.set(UNKNOWN);
    this.update();
    this.save();
  }

  // ── share link: #a=<audience>;<date>;<id>:<value>,<id>:<value> ──
  // Compact and readable; each part is percent-encoded, so ; : , never clash.
  save() {
    const url = location.pathname + location.search;
    if (!this.audience) {
      history.replaceState(null, "", url);
      return;
    }
    const parts = [];
    for (const q of this.questions) {
      if (!q.audience.includes(this.audience) || !this.answers.has(q.id)) continue;
      let v = this.answers.get(q.id);
      if (q.type === "bool") v = v === "true" ? "1" : "0";
      parts.push(`${q.id}:${encodeURIComponent(v)}`);
    }
    const frag = `#a=${encodeURIComponent(this.audience)};${this.date.value};${parts.join(",")}`;
    history.replaceState(null, "", url + frag);
    this.shareURL.value = location.href;
  }

  restore() {
    const m = /^#a=([^;]*);([^;]*);?(.*)$/.exec(location.hash);
    if (!m) return;
    const aud = safeDecode(m[1]);
    if (!this.audiences.some((a) => a.id === aud)) return;
    this.answers.clear();
    for (const part of m[3].split(",")) {
      const i = part.indexOf(":");
      if (i < 0) continue;
      const q = this.qByID.get(part.slice(0, i));
      let v = safeDecode(part.slice(i + 1));
      if (!q || v === "") continue;
      if (q.type === "bool") v = v === "1" ? "true" : v === "0" ? "false" : "";
      if (q.type === "choice" && !(q.options || []).some((o) => o.value === v)) v = "";
      if (v !== "") this.answers.set(q.id, v);
    }
    if (/^\d{4}-\d{2}-\d{2}$/.test(m[2])) this.date.value = m[2];
    for (const w of this.widgets.values()) w.set(this.answers.has(w.id) ? this.answers.get(w.id) : UNKNOWN);
    this.choose(aud, false);
  }
}

// audienceList gives the entry paths: audiences that have questions, named
// from rules.json when it has names, else from the page's no-JS list
// (elements with data-audience and data-audience-name or text).
function audienceList(root, rules, questions) {
  const ids = [];
  for (const q of questions) for (const a of q.audience || []) if (!ids.includes(a)) ids.push(a);
  const names = new Map();
  for (const a of rules.audiences || []) if (a && a.id) names.set(a.id, a.name);
  for (const n of document.querySelectorAll("[data-audience]")) {
    const id = n.dataset.audience;
    if (!names.has(id)) names.set(id, n.dataset.audienceName || n.textContent.trim());
  }
  // keep the site's audience order when the names come with one
  const order = [...names.keys()];
  ids.sort((a, b) => rank(order, a) - rank(order, b));
  return ids.map((id) => ({ id, name: names.get(id) || id }));
}

function rank(order, id) {
  const i = order.indexOf(id);
  return i < 0 ? order.length : i;
}

// ───────────────────────── question widgets ─────────────────────────

// radioWidget: bool (是/否/不确定) and choice questions, as a fieldset of radios.
function radioWidget(q, onChange) {
  const base = `q-${q.id}`;
  const box = el("li", { class: `calc-q calc-q-${q.type}`, id: `${base}-box` });
  const fs = el("fieldset", {});
  const describe = [];
  fs.append(el("legend", {}, q.label));
  if (q.help) {
    fs.append(el("p", { class: "calc-hint", id: `${base}-help` }, q.help));
    describe.push(`${base}-help`);
  }
  const err = el("p", { class: "calc-error", id: `${base}-err`, hidden: "" });
  describe.push(`${base}-err`);
  fs.setAttribute("aria-describedby", describe.join(" "));
  const opts = q.type === "bool" ? [{ value: "true", label: "是" }, { value: "false", label: "否" }] : q.options || [];
  const all = [...opts, { value: UNKNOWN, label: "不确定" }];
  const group = el("div", { class: "calc-options" });
  const inputs = [];
  all.forEach((o, i) => {
    const id = q.type === "bool" ? `${base}-${o.value}` : o.value === UNKNOWN ? `${base}-unknown` : `${base}-o${i}`;
    const input = el("input", { type: "radio", name: base, id, value: o.value });
    if (o.value === UNKNOWN) input.checked = true;
    input.addEventListener("change", () => input.checked && onChange(o.value));
    inputs.push(input);
    group.append(el("label", { for: id, class: "calc-option" }, input, " ", o.label));
  });
  fs.append(group, err);
  box.append(fs);
  return {
    id: q.id,
    box,
    set(v) {
      for (const i of inputs) i.checked = i.value === v;
    },
    error(msg) {
      err.textContent = msg;
      err.hidden = !msg;
      for (const i of inputs) i.toggleAttribute("aria-invalid", !!msg);
    },
    focus() {
      (inputs.find((i) => i.checked) || inputs[0]).focus();
    },
  };
}

// numberWidget: a text field (inputmode=decimal, so phones show digits and
// the engine, not the browser, decides what is valid), with unit and bounds.
function numberWidget(q, onChange) {
  const base = `q-${q.id}`;
  const box = el("li", { class: "calc-q calc-q-number", id: `${base}-box` });
  const input = el("input", {
    type: "text",
    inputmode: "decimal",
    id: base,
    name: base,
    autocomplete: "off",
    spellcheck: "false",
    class: "calc-number",
  });
  const describe = [];
  const hints = [];
  if (q.help) hints.push(q.help);
  const b = bounds(q);
  if (b) hints.push(b);
  const hint = el("p", { class: "calc-hint", id: `${base}-help` }, hints.join(""));
  describe.push(`${base}-help`);
  const err = el("p", { class: "calc-error", id: `${base}-err`, hidden: "" });
  describe.push(`${base}-err`);
  input.setAttribute("aria-describedby", describe.join(" "));
  const label = el("label", { for: base }, q.label, q.unit ? el("span", { class: "calc-unit-label" }, `（单位：${q.unit}）`) : "");
  const row = el("div", { class: "calc-number-row" }, input);
  if (q.unit) row.append(el("span", { class: "calc-unit", "aria-hidden": "true" }, q.unit));
  input.addEventListener("input", () => onChange(normalizeNumber(input.value)));
  box.append(label, hint, row, err);
  return {
    id: q.id,
    box,
    set(v) {
      input.value = v === UNKNOWN ? "" : v;
    },
    error(msg) {
      setError(input, err, msg);
    },
    focus() {
      input.focus();
    },
  };
}

// bounds describes a number question's limits in words, from its metadata.
function bounds(q) {
  const kind = q.integer ? "整数" : "数";
  const has = (x) => x !== undefined && x !== null && x !== "";
  if (has(q.min) && has(q.max)) return `请填写${q.min}到${q.max}之间的${kind}。`;
  if (has(q.min)) return `请填写不小于${q.min}的${kind}。`;
  if (has(q.max)) return `请填写不大于${q.max}的${kind}。`;
  return q.integer ? "请填写整数。" : "";
}

// normalizeNumber only cleans typing: full-width digits (１２．５) become
// ASCII and spaces go; whether the number is valid is the engine's call.
function normalizeNumber(s) {
  return s.normalize("NFKC").replace(/\s+/g, "");
}

function setError(input, errNode, msg) {
  errNode.textContent = msg;
  errNode.hidden = !msg;
  if (msg) input.setAttribute("aria-invalid", "true");
  else input.removeAttribute("aria-invalid");
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
