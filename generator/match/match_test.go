package match

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"
	"testing"

	"policyguide/calculator"
)

// run matches a register held in memory.
func run(t testing.TB, p *calculator.Program, m *Mapping, in []byte, inF, outF string, explain bool) (*Summary, []byte) {
	t.Helper()
	var out bytes.Buffer
	s, err := Run(Options{Program: p, Mapping: m, Input: bytes.NewReader(in), InputName: "register",
		InFormat: inF, Output: &out, OutFormat: outF, Explain: explain, Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	return s, out.Bytes()
}

func mustMapping(t testing.TB, p *calculator.Program, src string) *Mapping {
	t.Helper()
	m, err := LoadMapping("map.toml", []byte(src), p)
	if err != nil {
		t.Fatalf("mapping:\n%v\n%s", err, src)
	}
	return m
}

// identityMapping maps every question of the audience to a column of the
// same name.
func identityMapping(p *calculator.Program, aud, date string) string {
	s := fmt.Sprintf("audience = %q\ndate = %s\n", aud, date)
	for _, q := range p.Questions {
		if contains(q.Audience, aud) {
			s += fmt.Sprintf("[[columns]]\ncolumn = %q\nquestion = %q\n", q.ID, q.ID)
		}
	}
	return s
}

func jget(t testing.TB, v calculator.Value, key string) calculator.Value {
	x, _ := v.Get(key)
	return x
}

// TestExamplesMatchEval runs every worked example of content/rules through
// match, for every audience, from a JSON Lines and from a CSV register, and
// compares each benefit with what eval prints for the same answers
// (calculator.Evaluate is the whole of the eval command after loading).
func TestExamplesMatchEval(t *testing.T) {
	p := program(t)
	if len(p.Examples) < 20 {
		t.Fatalf("only %d examples", len(p.Examples))
	}
	byDate := map[string][]*calculator.Example{}
	var dates []string
	for _, ex := range p.Examples {
		d := ex.Date.String()
		if byDate[d] == nil {
			dates = append(dates, d)
		}
		byDate[d] = append(byDate[d], ex)
	}
	compared := 0
	for _, aud := range audiences(p) {
		for _, date := range dates {
			exs := byDate[date]
			m := mustMapping(t, p, identityMapping(p, aud, date))
			var cols []string
			for _, c := range m.Columns {
				cols = append(cols, c.Name)
			}
			// JSON Lines: the example's answers as they are (other
			// audiences' answers are extra keys, ignored by the mapping),
			// and null for the unanswered (the first line names every
			// mapped key).
			var jl, cs bytes.Buffer
			cw := csv.NewWriter(&cs)
			cw.Write(cols)
			for _, ex := range exs {
				obj := ex.Answers
				obj.Members = append([]calculator.Member(nil), obj.Members...)
				for _, c := range cols {
					if _, ok := obj.Get(c); !ok {
						obj.Members = append(obj.Members, calculator.Member{Key: c})
					}
				}
				jl.Write(obj.JSON())
				jl.WriteByte('\n')
				rec := make([]string, len(cols))
				for i, c := range cols {
					if v, ok := ex.Answers.Get(c); ok {
						switch v.Kind {
						case calculator.Bool:
							rec[i] = strconv.FormatBool(v.Bool)
						case calculator.Null:
						default:
							rec[i] = v.Text
						}
					}
				}
				cw.Write(rec)
			}
			cw.Flush()
			for _, in := range []struct {
				format string
				data   []byte
			}{{JSONL, jl.Bytes()}, {CSV, cs.Bytes()}} {
				for _, explain := range []bool{true, false} {
					_, out := run(t, p, m, in.data, in.format, JSONL, explain)
					lines := bytes.Split(bytes.TrimSuffix(out, []byte("\n")), []byte("\n"))
					if len(lines) != len(exs) {
						t.Fatalf("%s %s: %d output lines for %d examples", aud, in.format, len(lines), len(exs))
					}
					for i, ex := range exs {
						got, err := calculator.ParseJSON(lines[i])
						if err != nil {
							t.Fatalf("output line %d: %v\n%s", i+1, err, lines[i])
						}
						// What eval prints for this example and audience.
						evalIn := calculator.Value{Kind: calculator.Object, Members: []calculator.Member{
							{Key: "date", Value: calculator.Str(date)}, {Key: "audience", Value: calculator.Str(aud)}, {Key: "answers", Value: ex.Answers}}}
						want, err := calculator.ParseJSON(calculator.Evaluate(p, evalIn.JSON()))
						if err != nil {
							t.Fatal(err)
						}
						compareRow(t, fmt.Sprintf("%s/%s/explain=%v: example %q", aud, in.format, explain, ex.Name), got, want, explain)
						compared++
					}
				}
			}
		}
	}
	t.Logf("%d example × audience × format comparisons", compared)
}

// compareRow compares one match output row with eval's JSON.
func compareRow(t *testing.T, what string, got, want calculator.Value, explain bool) {
	t.Helper()
	gr, wr := jget(t, got, "results"), jget(t, want, "results")
	if len(gr.Items) != len(wr.Items) {
		t.Fatalf("%s: %d results, eval has %d", what, len(gr.Items), len(wr.Items))
	}
	if jget(t, got, "date").Text != jget(t, want, "date").Text {
		t.Errorf("%s: date %s, eval %s", what, jget(t, got, "date").Text, jget(t, want, "date").Text)
	}
	for i := range gr.Items {
		g, w := gr.Items[i], wr.Items[i]
		id := jget(t, w, "benefit").Text
		if jget(t, g, "benefit").Text != id {
			t.Fatalf("%s: result %d is %s, eval has %s", what, i, jget(t, g, "benefit").Text, id)
		}
		status := jget(t, w, "status").Text
		if s := jget(t, g, "status").Text; s != status {
			t.Errorf("%s: %s status %s, eval %s", what, id, s, status)
		}
		if s := jget(t, g, "status_if_valid").Text; s != jget(t, w, "status_if_valid").Text {
			t.Errorf("%s: %s status_if_valid %q, eval %q", what, id, s, jget(t, w, "status_if_valid").Text)
		}
		if status != calculator.Ineligible {
			ga, wa := jget(t, g, "amount"), jget(t, w, "amount")
			for _, k := range []string{"form", "value", "min", "max", "term_months", "text"} {
				if a, b := jget(t, ga, k).Text, jget(t, wa, k).Text; a != b {
					t.Errorf("%s: %s amount.%s %q, eval %q", what, id, k, a, b)
				}
			}
			var gm, wm []string
			for _, q := range jget(t, g, "deciding").Items {
				gm = append(gm, jget(t, q, "question").Text)
			}
			for _, q := range jget(t, w, "missing").Items {
				wm = append(wm, jget(t, q, "id").Text)
			}
			if strings.Join(gm, ",") != strings.Join(wm, ",") {
				t.Errorf("%s: %s deciding %v, eval missing %v", what, id, gm, wm)
			}
		}
		// Reasons: exactly the criteria eval says are not met.
		var unmet []string
		for _, c := range jget(t, w, "criteria").Items {
			if met := jget(t, c, "met"); met.Kind == calculator.Bool && !met.Bool {
				unmet = append(unmet, jget(t, c, "label").Text)
			}
		}
		var reasons []string
		for _, r := range jget(t, g, "reason").Items {
			reasons = append(reasons, r.Text)
		}
		if strings.Join(reasons, "|") != strings.Join(unmet, "|") {
			t.Errorf("%s: %s reason %v, eval unmet %v", what, id, reasons, unmet)
		}
		if explain {
			if a, b := jget(t, g, "calculation").Text, jget(t, w, "calculation").Text; a != b {
				t.Errorf("%s: %s calculation %q, eval %q", what, id, a, b)
			}
			gc, wc := jget(t, g, "criteria").Items, jget(t, w, "criteria").Items
			if len(gc) != len(wc) {
				t.Errorf("%s: %s %d criteria, eval %d", what, id, len(gc), len(wc))
			}
			for k := range min(len(gc), len(wc)) {
				if string(jget(t, gc[k], "met").JSON()) != string(jget(t, wc[k], "met").JSON()) {
					t.Errorf("%s: %s criterion %d met %s, eval %s", what, id, k, jget(t, gc[k], "met").JSON(), jget(t, wc[k], "met").JSON())
				}
			}
		} else if _, has := g.Get("calculation"); has {
			t.Errorf("%s: calculation without --explain", what)
		}
	}
}

// TestGeneratedRegister matches 100,000 generated rows (valid, boundary
// and bad) and checks every row's statuses and the summary's counts and
// totals against the engine run directly on the answers the generator
// meant.
func TestGeneratedRegister(t *testing.T) {
	n := 100000
	if testing.Short() {
		n = 10000
	}
	p := program(t)
	m := testMapping(t, p)
	var reg bytes.Buffer
	var rows []genRow
	if err := writeRegister(&reg, n, 42, func(r genRow) { rows = append(rows, r) }); err != nil {
		t.Fatal(err)
	}
	sum, out := run(t, p, m, reg.Bytes(), CSV, CSV, false)

	var benefits []string
	for _, b := range p.Benefits {
		if contains(b.Audience, "enterprises") {
			benefits = append(benefits, b.ID)
		}
	}
	type key struct{ benefit, status string }
	wantRows := map[key]int{}
	wantTotal := map[key]*big.Rat{}
	wantUnread, wantBad, wantCellErrs := 0, 0, 0
	kinds := map[string]int{}

	cr := csv.NewReader(bytes.NewReader(out))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	statusCol := map[string]int{}
	for _, b := range p.Benefits {
		if i, ok := col[b.Name+"：状态"]; ok {
			statusCol[b.ID] = i
		}
	}
	if len(statusCol) != len(benefits) {
		t.Fatalf("status columns %v for benefits %v", statusCol, benefits)
	}
	for i, r := range rows {
		rec, err := cr.Read()
		if err != nil {
			t.Fatalf("output row %d: %v", i+1, err)
		}
		if rec[0] != strconv.Itoa(r.line) {
			t.Fatalf("output row %d is line %s, want %d (order)", i+1, rec[0], r.line)
		}
		errText := rec[col["错误"]]
		if r.unread {
			kinds["unread"]++
			wantUnread++
			wantBad++
			if !strings.Contains(errText, "第"+strconv.Itoa(r.line)+"行") || !strings.Contains(errText, "本行未计算") {
				t.Fatalf("line %d: unreadable row without its error: %q", r.line, errText)
			}
			for _, id := range benefits {
				if rec[statusCol[id]] != "" {
					t.Fatalf("line %d: unreadable row has a status", r.line)
				}
			}
			continue
		}
		res := calculator.EvalWith(p, calculator.Input{Date: "2023-11-01", Audience: "enterprises", Answers: r.answers}, calculator.Options{NoExplain: true})
		if len(res.Errors) != r.badCells {
			t.Fatalf("line %d: the engine reports %d errors, the generator made %d bad cells: %+v", r.line, len(res.Errors), r.badCells, res.Errors)
		}
		if r.badCells > 0 {
			kinds["bad cells"]++
			wantBad++
			wantCellErrs += r.badCells
			for _, e := range res.Errors {
				var colName string
				for _, c := range m.Columns {
					if c.Question.ID == e.Question {
						colName = c.Name
					}
				}
				if want := "第" + strconv.Itoa(r.line) + "行 列“" + colName + "”"; !strings.Contains(errText, want) {
					t.Fatalf("line %d: error %q does not name %s", r.line, errText, want)
				}
			}
		} else if errText != "" {
			t.Fatalf("line %d: unexpected error %q", r.line, errText)
		}
		for _, br := range res.Results {
			k := key{br.Benefit, br.Status}
			wantRows[k]++
			if got := rec[statusCol[br.Benefit]]; got != calculator.StatusLabel(br.Status) {
				t.Fatalf("line %d: %s is %s, the engine says %s", r.line, br.Benefit, got, calculator.StatusLabel(br.Status))
			}
			if br.Amount.Value != "" && br.Status != calculator.Ineligible {
				if wantTotal[k] == nil {
					wantTotal[k] = new(big.Rat)
				}
				x, _ := new(big.Rat).SetString(br.Amount.Value)
				wantTotal[k].Add(wantTotal[k], x)
			}
		}
	}
	if _, err := cr.Read(); err != io.EOF {
		t.Fatalf("extra output rows: %v", err)
	}
	t.Logf("%d rows: %v", n, kinds)
	if kinds["unread"] < n/100 || kinds["bad cells"] < n/100 {
		t.Fatalf("too few bad rows generated: %v", kinds)
	}
	if sum.Rows != n || sum.NotRead != wantUnread || sum.Evaluated != n-wantUnread || sum.WithError != wantBad {
		t.Fatalf("summary rows %d read-failures %d evaluated %d with errors %d; want %d %d %d %d",
			sum.Rows, sum.NotRead, sum.Evaluated, sum.WithError, n, wantUnread, n-wantUnread, wantBad)
	}
	if got := sum.totalErrors(); got != wantUnread+wantCellErrs {
		t.Fatalf("summary counts %d errors, want %d", got, wantUnread+wantCellErrs)
	}
	if len(sum.Errors) != MaxListedErrors {
		t.Fatalf("summary lists %d errors", len(sum.Errors))
	}
	seen := 0
	for _, b := range sum.Benefits {
		for _, st := range b.Statuses {
			k := key{b.ID, st.Status}
			if st.Rows != wantRows[k] {
				t.Errorf("%s %s: %d rows, engine %d", b.ID, st.Status, st.Rows, wantRows[k])
			}
			want := ""
			if wantTotal[k] != nil {
				want = decText(wantTotal[k])
			}
			if st.Total != want {
				t.Errorf("%s %s: total %q, engine %q", b.ID, st.Status, st.Total, want)
			}
			if st.Rows > 0 {
				seen++
			}
		}
	}
	if seen < 12 {
		t.Fatalf("only %d benefit × status combinations occurred", seen)
	}
}
