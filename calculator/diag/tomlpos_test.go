package diag

import (
	"testing"

	"github.com/BurntSushi/toml"
)

const tomlSample = `measure = "m1" # comment
[[params]]
id = "rate"
values = [
  { from = 2023-01-01, value = "30", cite = "按60%返还" },
  { from = 2024-01-01, value = "35" },
]
[[benefits]]
id = "a"
note = """
多行
字符串 id = "x"
"""
[[benefits.criteria]]
label = "参保"
expr = "firm_insured"
[[benefits]]
id = "b"
[benefits.amount]
formula = "1"
[[benefits.criteria]]
"quoted key" = 1
[[examples]]
answers = { staff = 25, "rate" = "5.5" }
`

func TestTOMLPositions(t *testing.T) {
	got := TOMLPositions([]byte(tomlSample), "r.toml", 1)
	want := map[string]string{
		"measure":                            "r.toml:1:1",
		"params[0]":                          "r.toml:2:1",
		"params[0].id":                       "r.toml:3:1",
		"params[0].values[0]":                "r.toml:5:3",
		"params[0].values[0].value":          "r.toml:5:24",
		"params[0].values[1].from":           "r.toml:6:5",
		"benefits[0].id":                     "r.toml:9:1",
		"benefits[0].criteria[0].expr":       "r.toml:16:1",
		"benefits[1].id":                     "r.toml:18:1",
		"benefits[1].amount.formula":         "r.toml:20:1",
		"benefits[1].criteria[0].quoted key": "r.toml:22:1",
		"examples[0].answers.rate":           "r.toml:24:25",
	}
	for k, w := range want {
		if g := got[k].String(); g != w {
			t.Errorf("%s: got %s, want %s", k, g, w)
		}
	}
	if _, ok := got["benefits[0].id\"x"]; ok {
		t.Error("scanned inside a multi-line string")
	}
	// The sample must be valid TOML, so the paths describe what the decoder sees.
	var v map[string]any
	if _, err := toml.Decode(tomlSample, &v); err != nil {
		t.Fatal(err)
	}
}

func FuzzTOMLPositions(f *testing.F) {
	f.Add([]byte(tomlSample))
	f.Add([]byte("[[a.b]]\nx = [1, [2, {y = 3}]]\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		for _, p := range TOMLPositions(src, "f.toml", 1) {
			if p.Line < 1 || p.Col < 1 {
				t.Fatalf("bad position %v", p)
			}
		}
	})
}
