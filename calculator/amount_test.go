package calculator

import (
	"strings"
	"testing"
)

func TestParseAmount(t *testing.T) {
	ok := []struct{ in, unit, want string }{
		{"30000", "元", "30000"},
		{"30,000", "元", "30000"},
		{"1,234,567.5", "元", "1234567.5"},
		{"3万", "元", "30000"},
		{"1.5万", "元", "15000"},
		{"1.5万元", "元", "15000"},
		{"３００００", "元", "30000"},
		{"３，０００", "元", "3000"},
		{"１．５万", "元", "15000"},
		{" 25 人", "人", "25"},
		{"5.5", "%", "5.5"},
		{"5.5%", "%", "5.5"},
		{"０", "人", "0"},
		{"-3", "", "-3"},
	}
	for _, c := range ok {
		r, err := ParseAmount(c.in, c.unit)
		if err != nil || r.String() != c.want {
			t.Errorf("ParseAmount(%q, %q) = %s, %v; want %s", c.in, c.unit, r.String(), err, c.want)
		}
	}
	bad := []struct{ in, unit string }{
		{"3,00", "元"}, {"30,0000", "元"}, {",300", "元"}, {"1,000.5,0", "元"}, {"3万万", "元"},
		{"abc", "元"}, {"3千", "元"}, {"万", "元"}, {"3人", "元"}, {"1.2.3", ""}, {"", "元"},
	}
	for _, c := range bad {
		if r, err := ParseAmount(c.in, c.unit); err == nil {
			t.Errorf("ParseAmount(%q, %q) = %s, want an error", c.in, c.unit, r.String())
		}
	}
	if _, err := ParseAmount("99999999999999999999万", "元"); err != ErrOverflow {
		t.Errorf("overflow: %v", err)
	}
}

// The page, eval and open data send answers through Evaluate: money typed
// the way people type it is read there, once.
func TestEvaluateReadsTypedMoney(t *testing.T) {
	p := &Program{Questions: []*Question{{ID: "money", Type: TypeNumber, Label: "金额", Unit: "元", Audience: []string{"a"}}}}
	if probs := p.Check(); len(probs) > 0 {
		t.Fatal(probs)
	}
	for _, in := range []string{`"30,000"`, `"3万"`, `"３００００"`, `30000`} {
		v, msg := p.answer(0, mustJSON(t, in))
		if msg != "" || !v.known() || v.n.String() != "30000" {
			t.Errorf("%s: %v %q", in, v.n.String(), msg)
		}
	}
}

func mustJSON(t *testing.T, s string) Value {
	t.Helper()
	v, err := ParseJSON([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// FuzzParseAmount: any text either fails with an error or gives a number
// that reads back the same when written plainly, with a separator, or with
// full-width digits — the page, eval and open data never disagree on it.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"30000", "30,000", "3万", "1.5万元", "３００００", "３，０００", " 25 人", "3,00", "-5", "1e9", "0.055", "万", ",", "9223372036854775807"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseAmount(s, "元")
		if err != nil {
			return
		}
		plain := r.String()
		back, err := ParseAmount(plain, "元")
		if err != nil {
			t.Fatalf("%q → %s, which does not read back: %v", s, plain, err)
		}
		if back.Cmp(r) != 0 {
			t.Fatalf("%q → %s → %s", s, plain, back.String())
		}
		wide := strings.Map(func(c rune) rune {
			if c >= '0' && c <= '9' {
				return c - '0' + '０'
			}
			return c
		}, plain)
		if w, err := ParseAmount(wide, "元"); err != nil || w.Cmp(r) != 0 {
			t.Fatalf("full-width %q does not read as %s: %v", wide, plain, err)
		}
	})
}
