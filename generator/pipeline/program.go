package pipeline

import (
	"policyguide/calculator"
	"policyguide/generator/load"
	"policyguide/generator/markdown"
)

// Program loads the content and compiles the calculator's rules only (the
// rule examples are run too), without rendering pages, bundling assets or
// building the wasm: what the match command needs. It returns nil and no
// error when the content has no rules.
func Program(opt Options) (*calculator.Program, error) {
	day := opt.Date
	if day.IsZero() {
		day = Today()
	}
	c, errs := load.Load(opt.Content)
	if len(errs) > 0 {
		return nil, errs.Sort()
	}
	_, prog, _, errs := modelAndRules(c, markdown.New(), day)
	if len(errs) > 0 {
		return nil, errs.Sort()
	}
	return prog, nil
}
