// Package compile turns the calculator's content (questions.toml and
// rules/*.toml) into a calculator.Program, reporting every error at once as
// file:line:col. It runs in the generator only: it may use go/parser and
// the TOML decoder, which the wasm must not carry.
//
//	Compile(src Sources) (*calculator.Program, diag.List)
//	RunExamples(p *calculator.Program, rules []File) diag.List  // also run by Compile unless Sources.LaterExamples
//
// TOML is read by diag.DecodeTOML (the reader every content file shares)
// and is strict: an unknown key, a missing required key or a value of the
// wrong type is an error at that key.
//
// Every node the compiler builds carries a calculator.Pos; the compiler
// keeps the table from Pos to the TOML table it was read from, so the one
// set of structural checks, calculator.Check, is reported at file:line:col
// (a second place, such as the first definition of a duplicate, as a Note). Numbers may be written as strings
// ("5.5") or bare (5.5); dates as TOML dates (2023-12-31).
//
// # questions.toml
//
//	notice = "…"                 # optional; the estimate notice shown with results
//	[[questions]]
//	id = "staff"                 # ASCII identifier (not a Go keyword, not starting with _)
//	audience = ["enterprises"]   # required, known audience ids
//	type = "number"              # bool | number | choice
//	label = "…？"                 # the question
//	short = "参保职工人数"          # optional short name for calculations ("见习人数 3人")
//	help = "…"                   # optional
//	unit = "人"                  # number only, optional
//	min = 0                      # number only, optional, inclusive
//	max = 100                    # number only, optional, inclusive
//	integer = true               # number only
//	options = [ { value = "large", label = "大型企业" }, … ]   # choice only, ≥ 2
//
// The page's question flow (optional; without [[steps]] each audience's
// questions are asked on one step). prepare must come before the first table.
//
//	prepare = ["上年度缴纳的失业保险费", …]   # the start step's 开始前请准备 list
//	[[needs]]                    # answers to 您想了解什么 (several may be chosen)
//	id = "stable"                # ASCII identifier
//	label = "稳岗：失业保险稳岗返还"
//	audience = ["enterprises"]   # shown to these audiences
//	measures = ["m1"]            # results listed for this need; guide pages link here with it
//	[[steps]]                    # one topic per step, in this order
//	id = "firm_stable"
//	title = "上年度的参保和裁员情况"
//	hint = "…"                   # optional
//	audience = ["enterprises"]
//	needs = ["stable"]           # optional: the step is shown when one of these needs is chosen
//	questions = ["layoffs", "staff", "premiums"]   # each question in exactly one step
//
// Number answers are read by calculator.ParseAmount: "30,000", "3万",
// "1.5万元" and full-width digits are accepted everywhere (page, eval, data).
//
// # rules/*.toml
//
//	measure = "m1"               # required, a known measure id
//	[validity]                   # optional: an end date that covers the whole measure
//	until = 2023-12-31           #   the date
//	cite = "…截至2023年12月31日"   #   the words stating it (must contain the date, in the measure's paragraph)
//	covers = "measure"           #   said explicitly; every benefit of the file takes the date
//	[[parts]]                    # a passage with its own end date that is not calculated:
//	                             # name, cite, valid_until, valid_cite (same sentence as cite)
//	[[params]]                   # id, label, unit?, values (required, dates increasing)
//	values = [ { from = 2023-01-01, value = "30", cite = "…" } ]
//	[[brackets]]                 # id, label, unit?, cite, rows; called as id(x)
//	rows = [ { below = "50", value = "1000" }, { from = "50", value = "1200" } ]
//	[[benefits]]                 # id (site-unique), name, audience, kind (grant|loan|service),
//	                             # fund?, departments, unit (unless service), one amount form, cap?,
//	                             # notes? = [ { text, cite? } ],
//	                             # valid_until? + valid_cite (the clause stating the date, in the same
//	                             #   sentence — between two 。 — as the benefit's amount cite),
//	                             # valid_from? + valid_from_cite (only where the document names a start),
//	                             # claim? = "apply" (at most 可申报) | "open" (at most 可能符合) + claim_note,
//	                             # amount_unstated? = true (money, amount not stated: 金额文件未写明)
//	[[benefits.criteria]]        # label, expr (bool), cite, open? (list ends in 等: no → 可能符合)
//	                             # — at least one per benefit
//	[[exclusions]]               # benefits, overlap? (number question), label, cite
//	[[examples]]                 # name, date, audience?, answers = { … },
//	                             # expect = [ { benefit, status?, amount?, amount_min?, amount_max?,
//	                             #              term_months?, missing? } ] — at least one per benefit
//
// Amount forms (exactly one; expressions are strings): amount = "…";
// per_person = "…" with persons = "…"; amount_max = "…" (最高); amount_min
// and amount_max (range); kind = "loan" with amount_max and optional
// term_max_months; kind = "service" with none.
//
// Expressions use Go syntax: question ids, param and bracket ids of the
// same measure (or "m8.absorb" for another measure's), decimal numbers,
// "option" strings, true/false, && || ! == != < <= > >= + - * /,
// parentheses, min(a, b, …), max(a, b, …), if(cond, a, b), in(x, "a", …),
// and bracket calls stipend(x). They are type-checked: bool, number and
// choice do not mix, and a choice compares only with its own options.
//
// Many documents (Sources.Docs): a param value may name the document that
// states it, values = [ { from = …, value = "…", doc = "later-id", cite = "…" } ];
// every other cite is looked up in the measure's document. Any table with a
// cite may carry cite_hash = "…" (CiteHash of the cited paragraph when the
// cite was written): a changed paragraph gives a warning.
//
// Every cite must occur in the source document after removing whitespace
// and folding full-width ASCII to half-width (〔〕 and 。、 stay as they are);
// an error says how many characters matched. Every fund must occur too.
package compile
