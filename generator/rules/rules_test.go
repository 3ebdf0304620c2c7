package rules_test

import (
	"testing"

	"policyguide/generator/load"
	"policyguide/generator/model"
	"policyguide/generator/rules"
	"policyguide/generator/site"
)

func compileFixture(t *testing.T, dir string) *rules.Result {
	t.Helper()
	c, errs := load.Load(dir)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	docs, main := model.Documents(c)
	res, _, errs := rules.Compile(c, docs, main)
	if len(errs) > 0 || res == nil {
		t.Fatalf("res %v, errs %v", res, errs)
	}
	return res
}

// TestRelationsMoveProgramNotStated: a later document's continuation moves
// the end date the calculator evaluates with; Stated keeps the dates the
// measure's own document states (what its page shows).
func TestRelationsMoveProgramNotStated(t *testing.T) {
	res := compileFixture(t, "../pipeline/testdata/docs/content")
	until := func(p interface{ String() string }) string { return p.String() }
	got := map[string][2]string{}
	for i, b := range res.Program.Benefits {
		got[b.Measure] = [2]string{until(b.ValidUntil), until(res.Stated.Benefits[i].ValidUntil)}
	}
	for measure, want := range map[string][2]string{
		"x1": {"2025-12-31", "2024-12-31"}, // continued by shi-2025-2
	} {
		if got[measure] != want {
			t.Errorf("%s: program/stated end = %v, want %v", measure, got[measure], want)
		}
	}
	if len(res.Program.Examples) == 0 {
		t.Error("no worked examples compiled")
	}
}

// TestCites: a cite is found across full-width and spacing differences,
// only in its own document; an empty cite finds nothing.
func TestCites(t *testing.T) {
	a := &site.Document{ID: "a", Paragraphs: []*site.Paragraph{{Anchor: "p1", Text: "第一条 补贴标准为每人1000元。"}, {Anchor: "p2", Text: "第二条 其他。"}}}
	b := &site.Document{ID: "b", Paragraphs: []*site.Paragraph{{Anchor: "p1", Text: "无关。"}}}
	c := rules.NewCites([]*site.Document{a, b})
	if p := c.Find("a", "补贴标准为每人１０００元"); p == nil || p.Anchor != "p1" {
		t.Errorf("full-width cite: %v", p)
	}
	if p := c.Find("b", "补贴标准"); p != nil {
		t.Errorf("found in the wrong document: %v", p)
	}
	if p := c.Find("a", "  "); p != nil {
		t.Errorf("empty cite found %v", p)
	}
	if p := c.Paragraph("a", "p2"); p == nil || p.Text != "第二条 其他。" {
		t.Errorf("Paragraph: %v", p)
	}
}
