package calculator_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"policyguide/calculator"
)

// TestStrictInput: the eval interface never guesses. Each bad input is an
// error that says what is wrong; a good one decodes.
func TestStrictInput(t *testing.T) {
	deep := strings.Repeat("[", 100) + strings.Repeat("]", 100)
	big := `{"answers":{"x":"` + strings.Repeat("a", calculator.MaxInputBytes) + `"}}`
	many := `{"answers":{"a":[` + strings.Repeat("1,", calculator.MaxInputValues) + `1]}}`
	for _, tc := range []struct{ in, want string }{
		{``, "输入为空"},
		{"  \n", "输入为空"},
		{`{`, "输入不是有效的JSON"},
		{`nul`, "输入不是有效的JSON"},
		{`[]`, "输入应为JSON对象"},
		{`"x"`, "输入应为JSON对象"},
		{`{"date":"2023-02-30"}`, "日期“2023-02-30”无效"},
		{`{"date":"tomorrow"}`, "日期“tomorrow”无效"},
		{`{"date":5}`, "date 应为字符串"},
		{`{"answers":[1]}`, "answers 应为对象"},
		{`{"answer":{}}`, `未知的顶层字段 "answer"`},
		{`{"a":1,"a":2}`, `重复的键 "a"`},
		{`{"answers":` + deep + `}`, "嵌套层次过深"},
		{big, "输入过大"},
		{many, "值的数量超过上限"},
	} {
		_, err := calculator.StrictInput([]byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			name := tc.in
			if len(name) > 40 {
				name = name[:40] + "…"
			}
			t.Errorf("StrictInput(%q) = %v, want an error containing %q", name, err, tc.want)
		}
	}
	in, err := calculator.StrictInput([]byte(`{"date":"2023-11-01","audience":"enterprises","answers":{"staff":3}}`))
	if err != nil || in.Date != "2023-11-01" || in.Audience != "enterprises" || len(in.Answers) != 1 {
		t.Fatalf("good input: %+v, %v", in, err)
	}
}

// TestDuplicateKeysLinear: 200,000 distinct keys parse quickly (the old scan
// was quadratic: 48–77 s), and a duplicate among them is still found.
func TestDuplicateKeysLinear(t *testing.T) {
	var b bytes.Buffer
	b.WriteByte('{')
	const n = 200000
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"k` + strconv.Itoa(i) + `":1`)
	}
	ok := append([]byte(nil), b.Bytes()...)
	ok = append(ok, '}')
	start := time.Now()
	v, err := calculator.ParseJSON(ok)
	if err != nil || len(v.Members) != n {
		t.Fatalf("%d members, %v", len(v.Members), err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("200k keys took %v", d)
	}
	b.WriteString(`,"k123456":2}`)
	if _, err := calculator.ParseJSON(b.Bytes()); err == nil || !strings.Contains(err.Error(), `重复的键 "k123456"`) {
		t.Errorf("duplicate among 200k keys: %v", err)
	}
	// Small objects: the scan path.
	if _, err := calculator.ParseJSON([]byte(`{"a":1,"b":2,"a":3}`)); err == nil {
		t.Error("duplicate in a small object not found")
	}
}

// TestEvaluateLimits: the page's lenient path reports over-limit input in
// "errors" and evaluates nothing from it.
func TestEvaluateLimits(t *testing.T) {
	p := fixture(t)
	big := []byte(`{"answers":{"x":"` + strings.Repeat("a", calculator.MaxInputBytes) + `"}}`)
	out := calculator.Evaluate(p, big)
	if !bytes.Contains(out, []byte("输入过大")) {
		t.Errorf("over-size input: %.300s", out)
	}
}

// TestFractionWarning: "0.6" for a percentage question gives a warning naming
// the question; the answer is used as given, and 60 gives no warning.
func TestFractionWarning(t *testing.T) {
	p := fixture(t)
	res := calculator.Eval(p, calculator.Input{Date: "2023-11-01", Answers: []calculator.Member{
		{Key: "retention", Value: calculator.Value{Kind: calculator.Number, Text: "0.6"}},
	}})
	var got []string
	for _, e := range res.Errors {
		if e.Question == "retention" {
			got = append(got, e.Message)
		}
	}
	if len(got) != 1 || !strings.Contains(got[0], "留用率") || !strings.Contains(got[0], "60%") {
		t.Fatalf("warnings for retention=0.6: %q", got)
	}
	for _, ans := range []string{"60", "0", "1", "100"} {
		res := calculator.Eval(p, calculator.Input{Date: "2023-11-01", Answers: []calculator.Member{
			{Key: "retention", Value: calculator.Value{Kind: calculator.Number, Text: ans}},
		}})
		for _, e := range res.Errors {
			if e.Question == "retention" {
				t.Errorf("retention=%s: unexpected %q", ans, e.Message)
			}
		}
	}
}
