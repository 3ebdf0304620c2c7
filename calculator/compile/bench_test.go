package compile

import (
	"os"
	"path/filepath"
	"testing"

	"policyguide/calculator"
)

// BenchmarkEvaluate evaluates every benefit of the real content (or the
// fixture when there is no content) for one set of answers, JSON in and
// out, as the page calls the wasm.
func BenchmarkEvaluate(b *testing.B) {
	var p *calculator.Program
	if _, err := os.Stat(filepath.Join(contentDir, "calculator", "questions.toml")); err == nil {
		var errs []error
		prog, list := Compile(loadContent(b))
		for _, e := range list {
			errs = append(errs, e)
		}
		if len(errs) > 0 {
			b.Fatal(list)
		}
		p = prog
	} else {
		p = compileOK(b)
	}
	// Every question answered "yes"/first option/10: all benefits compute.
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
	b.ReportAllocs()
	for b.Loop() {
		calculator.Evaluate(p, in)
	}
}
