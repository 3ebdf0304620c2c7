package compile

import (
	"strconv"

	"policyguide/calculator"
	"policyguide/calculator/diag"
)

// RunExamples runs every example of p and reports each failure at the
// example's place in its rule file (rules gives the files' text for
// positions). Compile already calls it; it is exported for programs
// obtained otherwise (e.g. decoded from rules.json).
func RunExamples(p *calculator.Program, rules []File) diag.List {
	files := map[string]*file{}
	for _, f := range rules {
		files[f.Name] = &file{name: f.Name, src: f.Src, pos: diag.TOMLPositions(f.Src, f.Name, 1)}
	}
	return runExamples(p, files)
}

// runExamples is RunExamples over files already read (Compile's: their key
// positions are not computed again).
func runExamples(p *calculator.Program, files map[string]*file) diag.List {
	var errs diag.List
	for _, fl := range calculator.ExampleFailures(p) {
		ex := p.Examples[fl.Example]
		path := "examples[" + strconv.Itoa(ex.Index) + "]"
		if fl.Expect >= 0 {
			path += ".expect[" + strconv.Itoa(fl.Expect) + "]"
		}
		path += "." + fl.Field
		pos := diag.Pos{File: ex.File}
		if f := files[ex.File]; f != nil {
			pos = f.at(path)
		}
		errs.Add(pos, "%s", fl.Msg)
	}
	return errs
}
