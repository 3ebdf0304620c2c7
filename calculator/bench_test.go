package calculator_test

import (
	"os"
	"path/filepath"
	"testing"

	"policyguide/calculator"
	"policyguide/calculator/compile"
)

// fixtureProgram compiles the engine's fixture (calculator/compile/testdata).
func fixtureProgram(b *testing.B) *calculator.Program {
	b.Helper()
	read := func(p string) []byte {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		return data
	}
	dir := filepath.Join("compile", "testdata", "ok")
	src := compile.Sources{
		Questions: compile.File{Name: "questions.toml", Src: read(filepath.Join(dir, "questions.toml"))},
		Source:    read(filepath.Join("compile", "testdata", "source.txt")),
	}
	rules, _ := filepath.Glob(filepath.Join(dir, "rules", "*.toml"))
	for _, r := range rules {
		src.Rules = append(src.Rules, compile.File{Name: r, Src: read(r)})
	}
	if len(src.Rules) == 0 {
		b.Fatal("no fixture rules")
	}
	p, errs := compile.Compile(src)
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	return p
}

// BenchmarkEvaluate evaluates every benefit of the fixture for one set of
// answers, JSON in and out, as the page calls the wasm.
func BenchmarkEvaluate(b *testing.B) {
	p := fixtureProgram(b)
	// Every question answered "yes"/first option/1: all benefits compute.
	in := []byte(`{"date":"2023-11-01","answers":{`)
	for i, q := range p.Questions {
		if i > 0 {
			in = append(in, ',')
		}
		in = append(in, '"')
		in = append(in, q.ID...)
		in = append(in, `":`...)
		switch q.Type {
		case calculator.TypeBool:
			in = append(in, "true"...)
		case calculator.TypeChoice:
			in = append(in, '"')
			in = append(in, q.Options[0].Value...)
			in = append(in, '"')
		default:
			in = append(in, `"1"`...)
		}
	}
	in = append(in, "}}"...)
	if out := calculator.Evaluate(p, in); len(out) == 0 || out[0] != '{' {
		b.Fatalf("evaluate: %s", out)
	}
	b.ReportAllocs()
	for b.Loop() {
		calculator.Evaluate(p, in)
	}
}
