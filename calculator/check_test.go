package calculator

import "testing"

// TestCheckSaysWhere: every structural problem names the node (its Pos)
// and the field, so whoever built the program can say file:line:col.
func TestCheckSaysWhere(t *testing.T) {
	p := &Program{
		Questions: []*Question{{ID: "n", Type: TypeNumber, Label: "人数", Pos: 1}, {ID: "n", Type: TypeBool, Label: "x", Pos: 2}},
		Benefits: []*Benefit{
			{ID: "b", Kind: "gift", Form: FormNone, Pos: 3},
			{ID: "c", Kind: KindService, Form: FormNone, Claim: "maybe", Pos: 4},
		},
		Exclusions: []*Exclusion{{Benefits: []string{"b", "zz"}, Pos: 5}},
		Examples:   []*Example{{Name: "e", Expect: []Expect{{Benefit: "b"}, {Benefit: "nope"}}, Pos: 6}},
	}
	type where struct {
		at   Pos
		key  string
		also Pos
	}
	got := map[where]string{}
	for _, pr := range p.Check() {
		got[where{pr.At, pr.Key, pr.Also}] = pr.Msg
	}
	for _, w := range []where{{2, "id", 1}, {3, "kind", 0}, {4, "claim", 0}, {5, "benefits[1]", 0}, {6, "expect[1].benefit", 0}} {
		if got[w] == "" {
			t.Errorf("no problem at %+v; got %v", w, got)
		}
	}
}
