package opendata

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
)

// The hand-written file has the bytes of json.MarshalIndent.
func TestAppendJSONIsMarshalIndent(t *testing.T) {
	words := []string{"", "m1", "第1条", "市人社局", "a\"b", "<p>&</p>", "x\u2028y", "\xff", "tab\there", "2026-01-01"}
	rng := rand.New(rand.NewPCG(1, 2))
	str := func() string { return words[rng.IntN(len(words))] }
	strs := func() []string {
		if rng.IntN(5) == 0 {
			return nil
		}
		out := []string{}
		for range rng.IntN(3) {
			out = append(out, str())
		}
		return out
	}
	deps := func() []dep {
		if rng.IntN(5) == 0 {
			return nil
		}
		out := []dep{}
		for range rng.IntN(3) {
			out = append(out, dep{str(), str()})
		}
		return out
	}
	for n := range 40 {
		f := file{Document: str(), Title: str()}
		if n > 0 {
			f.Measures = []measure{}
		}
		for range n % 4 {
			m := measure{ID: str(), Label: str(), Title: str(), Summary: str(), Category: str(), Audiences: strs(),
				Lead: deps(), Partners: deps(), Departments: deps(), ValidUntil: str(), ValidCite: str(), Status: str(),
				ValidNote: str(), Funds: strs(), Source: str(), Benefits: strs(), URL: str()}
			if rng.IntN(4) > 0 {
				m.Parts = []part{}
				for range rng.IntN(3) {
					m.Parts = append(m.Parts, part{str(), str(), str(), rng.IntN(2) == 0})
				}
			}
			f.Measures = append(f.Measures, m)
		}
		want, err := json.MarshalIndent(f, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if got := f.appendJSON(nil); string(got) != string(want) {
			t.Fatalf("got\n%s\nwant\n%s", got, want)
		}
	}
}
