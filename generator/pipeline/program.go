package pipeline

import (
	"policyguide/calculator"
	"policyguide/generator/load"
	"policyguide/generator/model"
	"policyguide/generator/rules"
)

// Program runs the load and rules stages only (the rule examples are run
// too), without the site model, pages, assets or wasm: what the eval and
// match commands need. A broken page link does not stop it. It returns nil
// and no error when the content has no rules.
func Program(opt Options) (*calculator.Program, error) {
	c, errs := load.Load(opt.Content)
	if len(errs) > 0 {
		return nil, errs.Sort()
	}
	docs, main := model.Documents(c)
	rs, _, errs := rules.Compile(c, docs, main)
	if len(errs) > 0 {
		return nil, errs.Sort()
	}
	if rs == nil {
		return nil, nil
	}
	return rs.Program, nil
}
