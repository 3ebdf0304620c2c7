// Package calculator is the rules engine of the policy guide: it evaluates
// a compiled Program (questions, params, brackets, benefits, exclusions)
// against a citizen's or a firm's answers and explains the result. The same
// package runs in the generator (check, build, eval, go test) and, compiled
// to WebAssembly by calculator/wasm, in the browser — so a result computed
// in a test is the result a citizen sees.
//
// The package is imported by the wasm, whose size budget is 600 KB brotli,
// so it uses only errors, math/bits, strconv, strings and unicode/utf8 (no
// fmt, encoding/json, reflect, go/*, math/big, and no time in the js build:
// see today.go). Rules are parsed from Go expression syntax in
// calculator/compile, which runs only in the generator.
//
// # API
//
//	DecodeProgram(data []byte) (*Program, error)  // rules.json → checked program
//	(*Program).JSON() []byte                       // program → rules.json (round-trips exactly)
//	(*Program).Check() []Problem                   // resolve names, type-check, prepare; each Problem names its node's Pos
//	Evaluate(p *Program, inputJSON []byte) []byte  // JSON in, JSON out (page, wasm, eval command)
//	DecodeInput(data []byte) (Input, []InputError)
//	Eval(p *Program, in Input) Result              // typed form; Result.JSON() gives the output
//	EvalWith(p, in, Options{NoExplain, Scratch})  // bulk matching: skip calculation texts, reuse memory
//	ExampleFailures(p *Program) []ExampleFailure   // run the content's worked examples
//	RunExample(p *Program, i int) []ExampleFailure
//	ParseNumber(s string) (Rat, error)             // exact decimals
//	ParseDate(s string) Date; MakeDate(y, m, d int) Date
//	ParseJSON(data []byte) (Value, error)          // the tiny JSON reader
//	var Today func() Date                          // default reference date
//
// # Numbers
//
// Every number is an exact rational (Rat: int64 numerator and denominator,
// normalised). Each operation is overflow-checked: a result that does not
// fit is an error ("数值过大，无法精确计算") and the amount is shown as not
// computable — never a wrong or rounded-away number, never NaN. Decimals
// are written "5.5", "0.055", "-3" or "1e3"; "1,000", "+5", ".5", "5%",
// full-width digits and hex are rejected (a comma might be a thousands or a
// decimal separator: we do not guess). An amount is rounded to 2 decimals,
// half away from zero, only at the very end; then the amount says
// "rounded": true and the calculation ends with "（金额已四舍五入到分）".
// "value", "min", "max" are plain decimals ("72000", "3000.15"); "text"
// has thousands separators and the unit ("72,000元", "3,000.15元").
// Calculation texts show other non-terminating numbers as "约0.33".
//
// # Logic
//
// Three-valued (Kleene): an unanswered or invalid answer is unknown;
// false && x = false, true || x = true, and everything else with an unknown
// operand is unknown. if(c, a, b) with unknown c is a when a == b. Every
// unknown value carries the questions that make it unknown, so a benefit's
// "missing" lists exactly the unanswered questions that still decide its
// status or amount, and "ask" is the union of those over the shown
// results, restricted to the chosen audience's questions, in questions.toml
// order. Division by zero and overflow make a value unknown and add an
// error naming the benefit.
//
// # Status
//
// eligible 符合, ineligible 不符合, possible 可能符合 (label "可能符合，取决于：" +
// the deciding questions' short names), expired 已到期 (reference date after
// valid_until; valid_until is inclusive), not_yet 未生效 (before valid_from,
// or a param used by the benefit has no value yet on that date). For
// expired and not_yet, "status_if_valid" gives what the status would be and
// the amount is still computed ("what it would have been"), with
// "expiry" saying e.g. "已于2023年12月31日到期" and the calculation adding
// "（政策已到期，以上为有效期内可得的金额，仅供参考）". A benefit without
// valid_until never expires. Ineligible benefits show no amount.
//
// Status words never overstate. can_apply 可申报: every stated condition is
// met but the benefit is a competitive application (claim "apply").
// A benefit with claim "open" (the document says "符合条件的" without listing
// the conditions) is at most possible. A criterion marked open (the
// document's list ends in "等") that is not met gives possible, labelled
// "可能符合（以认定为准）", not ineligible. "status_reason" says why.
// undetermined 无法判断: the reference date is before the program's basis
// (the issue date of the document the rules rest on); the rules say
// nothing about earlier dates, so this is never "not_yet".
//
// Params: the value in effect on the reference date is the last one whose
// "from" is on or before it. Before the first "from" there is no value: the
// benefit is not_yet with an explanation; no earlier value is assumed.
//
// # Amount forms
//
// exact (amount), per_person × persons (output form "exact"; the
// calculation shows both factors), up_to (amount_max; "最高300元"), range
// (amount_min + amount_max; "30,000–150,000元"), loan (amount_max and
// optional term_max_months), none (kind = "service"). An optional cap
// limits any of them and the calculation says so. Forms are inferred from
// the keys present; a mismatch with kind is a compile error.
//
// Exclusions: benefits listed together show each other under
// "exclusions". With overlap (a number question: persons counted under
// both), each such person goes to the benefit with the higher per-person
// amount and is taken out of the other's persons (ties go to the first
// listed); the calculation of both benefits explains it. An overlap larger
// than either benefit's persons is an input error. No adjustment is made
// when either benefit is ineligible.
//
// # Input (Evaluate)
//
//	{"date":"2023-11-01","audience":"enterprises","answers":{"q":true,"n":25,"r":"5.5","x":"unknown"}}
//
// date is optional (default Today(); an invalid date is reported and today
// is used). audience "" (or absent) shows every benefit and asks every
// question. Answers: bool questions take true/false (or "true"/"false");
// number questions take a JSON number or a string with a decimal; choice
// questions take an option value. null, "", "unknown" or a missing key mean
// 不确定. Every invalid answer (not a number, negative, out of [min, max],
// not whole where integer, not an option, unknown question id) gives an
// entry in "errors" with a Chinese message and is treated as unknown.
//
// # Output
//
// As the spec, plus: errors have "question" (an answer), "field" (a
// top-level field: date, audience, answers, input, or an unexpected key)
// or "benefit" (a calculation that failed); results may have
// "status_if_valid", "valid_from" and amount "rounded"; "expiry" also holds
// the not_yet explanation. Results appear in rule order (rules files in
// name order, benefits in file order).
//
// # rules.json (Program.JSON)
//
//	{"format":"policyguide-rules/1", "notice":"…",
//	 "questions":[{"id","audience":[…],"type","label","short"?,"help"?,"unit"?,
//	               "min"?,"max"?,"integer"?,"options"?:[{"value","label"}]}],
//	 "params":[{"id":"m1.rate_large","measure","label","unit"?,
//	            "values":[{"from":"2023-01-01","value":"30","cite","anchor"?}]}],
//	 "brackets":[{"id","measure","label","unit"?,"cite","anchor"?,
//	              "rows":[{"from"?,"below"?,"value"}]}],
//	 "benefits":[{"id","measure","name","audience","kind","fund"?,"departments",
//	              "valid_from"?,"valid_until"?,"form",
//	              "amount"?|"per_person"?+"persons"?|"amount_min"?|"amount_max"?|"term_max_months"?|"cap"?:
//	                  {"src":"premiums * rate / 100","tree":["/",["*",["q","premiums"],["p","m1.rate"]],["num","100"]]},
//	              "unit"?,"criteria":[{"label","expr":{"src","tree"},"cite","anchor"?}],
//	              "notes":[{"text","cite"?,"anchor"?}]}],
//	 "exclusions":[{"benefits":[…],"overlap"?,"label","cite","anchor"?}],
//	 "examples":[{"name","file","index","date","audience"?,"answers":{…},
//	              "expect":[{"benefit","status"?,"amount"?,"amount_min"?,"amount_max"?,"term_months"?,"missing"?}]}]}
//
// Numbers are strings (exact decimals, no floats). Trees are prefix arrays:
// ["q",id] question, ["p",id] param, ["num","5.5"], ["str","large"],
// ["bool",true], ["bracket",id,arg], ["!",x], ["neg",x], [op,a,b] for
// && || == != < <= > >= + - * /, ["if",c,a,b], ["in",x,["str",…]…],
// ["min",a,b…], ["max",a,b…]. Params and brackets are scoped to their
// measure: their ids are "<measure>.<id>" (in rules, a bare name means the
// file's own measure; "m8.absorb" reaches another's). The worked examples
// are included so that other systems can test their use of the rules.
//
// # Decisions where the spec was silent
//
//   - Questions may have "short" (a short name used in calculations and the
//     "possible" label, e.g. "见习人数"); without it the label is used with
//     its trailing "？" removed. questions.toml may have a top-level
//     "notice"; DefaultNotice otherwise.
//   - Every benefit needs at least one criterion and at least one worked
//     example; a question used by a benefit must be asked to every audience
//     of that benefit; "fund" must occur in the source; param values and
//     brackets need a cite; notes' cites are optional but checked.
//   - A bracket's first row may start at a "from": a value below it is an
//     error ("不在分档表的范围内"), not a default. Gaps and overlaps
//     between consecutive rows are compile errors.
//   - The reference date comes from the input, else Today(): the local
//     day (generator) or the browser's local day (wasm).
//   - Results are filtered by audience; benefits of other audiences are not
//     evaluated.
package calculator
