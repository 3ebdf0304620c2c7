package calculator_test

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"policyguide/calculator"
	"policyguide/calculator/compile"
)

// fixture compiles calculator/compile/testdata/ok (brackets, params,
// exclusions, every amount form).
func fixture(t testing.TB) *calculator.Program {
	t.Helper()
	read := func(p string) []byte {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	dir := "compile/testdata/ok"
	src := compile.Sources{Questions: compile.File{Name: "questions.toml", Src: read(filepath.Join(dir, "questions.toml"))},
		Source: read("compile/testdata/source.txt")}
	files, _ := filepath.Glob(filepath.Join(dir, "rules", "*.toml"))
	sort.Strings(files)
	for _, f := range files {
		src.Rules = append(src.Rules, compile.File{Name: f, Src: read(f)})
	}
	p, errs := compile.Compile(src)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return p
}

// FuzzDecodeInput: any input bytes give a JSON result (never a panic, never
// NaN), and answers that are reported as errors are asked again.
func FuzzDecodeInput(f *testing.F) {
	for _, s := range []string{
		`{"date":"2023-11-01","audience":"enterprises","answers":{"firm_insured":true,"firm_size":"sme","insured_staff":25,"layoff_rate":"5.5","premiums":"120000"}}`,
		`{"answers":{"hired_absorb":5,"hired_expand":3,"hired_both":4}}`,
		`{"date":"2023-11-01","answers":{"interns":"3","intern_months":6,"retention":"69.999999"}}`,
		`{"date":"1999-01-01","answers":{"founder":"graduate","partnership":"true"}}`,
		`{"answers":{"premiums":"9223372036854775807","firm_insured":true,"firm_size":"large","layoff_rate":0}}`,
		`{"answers":{"premiums":1e18,"layoff_rate":-0,"insured_staff":"1e2"}}`,
		`{"date":"2023-02-29"}`, `{"audience":5}`, `[]`, `"x"`, `{"answers":null}`, `{`, ``,
		`{"answers":{"firm_size":["large"],"":1,"\u0000":"\ud83d\ude00"}}`,
	} {
		f.Add([]byte(s))
	}
	p := fixture(f)
	f.Fuzz(func(t *testing.T, in []byte) {
		out := calculator.Evaluate(p, in)
		v, err := calculator.ParseJSON(out)
		if err != nil {
			t.Fatalf("invalid output JSON for %q: %v\n%s", in, err, out)
		}
		if bytes.Contains(out, []byte("NaN")) || bytes.Contains(out, []byte("Inf")) {
			t.Fatalf("NaN/Inf in %s", out)
		}
		if _, ok := v.Get("results"); !ok {
			t.Fatalf("no results in %s", out)
		}
		// Money values are plain exact decimals.
		results, _ := v.Get("results")
		for _, r := range results.Items {
			a, _ := r.Get("amount")
			for _, k := range []string{"value", "min", "max", "term_months"} {
				if x, ok := a.Get(k); ok {
					if _, err := calculator.ParseNumber(x.Text); err != nil || strings.ContainsAny(x.Text, ",/") {
						t.Fatalf("amount %s = %q", k, x.Text)
					}
				}
			}
		}
	})
}

// FuzzDecodeJSON: the JSON reader and DecodeProgram never panic; what
// parses writes back to JSON that parses to the same text.
func FuzzDecodeJSON(f *testing.F) {
	p := fixture(f)
	for _, s := range []string{
		`{}`, `[1,2,{"a":"b"}]`, `"\u00e9\ud83d\ude00"`, `-0.5e-3`, `{"a":{"a":{"a":[]}}}`, `nul`, "\"\xff\"",
		string(p.JSON()),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := calculator.ParseJSON(data)
		if err == nil {
			out := v.JSON()
			w, err := calculator.ParseJSON(out)
			if err != nil || !bytes.Equal(w.JSON(), out) {
				t.Fatalf("round trip of %q: %s (%v)", data, out, err)
			}
		}
		if q, err := calculator.DecodeProgram(data); err == nil {
			js := q.JSON()
			if r, err := calculator.DecodeProgram(js); err != nil || !bytes.Equal(r.JSON(), js) {
				t.Fatalf("program round trip: %v", err)
			}
			calculator.Evaluate(q, []byte(`{"date":"2023-11-01","answers":{}}`))
		}
	})
}
