package calculator

import (
	"strings"
	"testing"
)

func TestParseJSON(t *testing.T) {
	good := []string{
		`{}`, `[]`, `null`, `true`, `"a"`, `0`, `-0.5e+3`, `{"a":[1,{"b":null}],"c":"\u4e2d\n"}`,
		` { "x" : "\ud83d\ude00" } `,
	}
	for _, s := range good {
		v, err := ParseJSON([]byte(s))
		if err != nil {
			t.Errorf("ParseJSON(%s): %v", s, err)
			continue
		}
		// Writing and reading again gives the same value.
		again, err := ParseJSON(v.JSON())
		if err != nil || string(again.JSON()) != string(v.JSON()) {
			t.Errorf("round trip %s → %s: %v", s, v.JSON(), err)
		}
	}
	bad := []string{
		``, `{`, `{"a"}`, `{"a":1,}`, `[1,]`, `01`, `1.`, `.5`, `+1`, `NaN`, `"\x"`, `"a`,
		`{"a":1,"a":2}`, "\"\x01\"", "\"\xff\"", `"\ud800"`, `"\udc00"`, `tru`, `{} x`,
		strings.Repeat("[", 100) + strings.Repeat("]", 100),
	}
	for _, s := range bad {
		if v, err := ParseJSON([]byte(s)); err == nil {
			t.Errorf("ParseJSON(%q) = %s, want error", s, v.JSON())
		}
	}
}

func TestWriteEscapes(t *testing.T) {
	v := Str("<script>&\"\\\n\t\x01\u2028中")
	got := string(v.JSON())
	want := `"\u003cscript\u003e\u0026\"\\\n\t\u0001\u2028中"`
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestQuoteInvalidUTF8(t *testing.T) {
	for in, want := range map[string]string{
		"a\xffb\u2028":    `"a\ufffdb\u2028"`,
		"\u2029中\xe2\x80": `"\u2029中\ufffd\ufffd"`,
		"—“”\x7f":         `"—“”\u007f"`,
	} {
		if got := string(Str(in).JSON()); got != want {
			t.Errorf("%q: got %s, want %s", in, got, want)
		}
	}
}
