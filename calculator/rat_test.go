package calculator

import (
	"math"
	"testing"
)

func TestParseNumber(t *testing.T) {
	for _, tc := range []struct {
		in, want string // want "" = error
	}{
		{"5.5", "5.5"}, {"0.055", "0.055"}, {"-3", "-3"}, {"72000", "72000"},
		{"1e3", "1000"}, {"1.5E-2", "0.015"}, {"007", "7"}, {"-0", "0"}, {"10.50", "10.5"},
		{"9223372036854775807", "9223372036854775807"},
		{"1,000", ""}, {"", ""}, {"-", ""}, {".5", ""}, {"5.", ""}, {"+5", ""}, {" 5", ""},
		{"5%", ""}, {"0x10", ""}, {"1_000", ""}, {"NaN", ""}, {"Inf", ""}, {"１２", ""},
		{"1e", ""}, {"9223372036854775808", ""}, {"1e400", ""}, {"1e-30", ""},
	} {
		r, err := ParseNumber(tc.in)
		switch {
		case tc.want == "" && err == nil:
			t.Errorf("ParseNumber(%q) = %s, want error", tc.in, r)
		case tc.want != "" && err != nil:
			t.Errorf("ParseNumber(%q): %v", tc.in, err)
		case tc.want != "" && r.String() != tc.want:
			t.Errorf("ParseNumber(%q) = %s, want %s", tc.in, r, tc.want)
		}
	}
}

func TestArithmetic(t *testing.T) {
	n := mustNumber
	check := func(name string, r Rat, err error, want string) {
		t.Helper()
		if err != nil {
			t.Errorf("%s: %v", name, err)
		} else if r.String() != want {
			t.Errorf("%s = %s, want %s", name, r, want)
		}
	}
	r, err := n("0.1").Add(n("0.2"))
	check("0.1+0.2", r, err, "0.3") // exact, unlike floats
	r, err = n("120000").Mul(n("60"))
	check("120000*60", r, err, "7200000")
	r, err = r.Div(n("100"))
	check("/100", r, err, "72000")
	r, err = n("1").Div(n("3"))
	check("1/3", r, err, "1/3")
	r, err = r.Mul(n("3"))
	check("1/3*3", r, err, "1")
	r, err = n("5").Sub(n("7.25"))
	check("5-7.25", r, err, "-2.25")
	if _, err := n("1").Div(n("0")); err != ErrDivZero {
		t.Errorf("1/0: err = %v", err)
	}
	big := Int(math.MaxInt64)
	if _, err := big.Add(Int(1)); err != ErrOverflow {
		t.Errorf("MaxInt64+1: err = %v", err)
	}
	if _, err := big.Mul(Int(2)); err != ErrOverflow {
		t.Errorf("MaxInt64*2: err = %v", err)
	}
	if _, err := Int(math.MinInt64).Mul(Int(1)); err != ErrOverflow {
		t.Errorf("MinInt64 magnitude must be rejected: %v", err)
	}
	r, err = big.Sub(big)
	check("max-max", r, err, "0")
	tiny, _ := Int(1).Div(big)
	if _, err := tiny.Add(Rat{num: 1, den1: math.MaxInt64 - 2}); err != ErrOverflow {
		t.Errorf("denominator overflow: %v", err)
	}
}

func TestCmp(t *testing.T) {
	n := mustNumber
	big := Int(math.MaxInt64)
	third, _ := Int(1).Div(Int(3))
	almost, _ := big.Sub(Int(1))
	ratio, _ := almost.Div(big) // (max-1)/max < 1, cross products overflow 64 bits
	for _, tc := range []struct {
		a, b Rat
		want int
	}{
		{n("5.5"), n("5.50"), 0}, {n("5.5"), n("5.51"), -1}, {n("-1"), n("0"), -1},
		{n("-2"), n("-1"), -1}, {third, n("0.333"), 1}, {big, n("1"), 1}, {ratio, Int(1), -1},
	} {
		if got := tc.a.Cmp(tc.b); got != tc.want {
			t.Errorf("Cmp(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestRound2AndText(t *testing.T) {
	n := mustNumber
	third, _ := Int(1).Div(Int(3))
	twoThirds, _ := Int(2).Div(Int(3))
	for _, tc := range []struct {
		in      Rat
		round   string
		rounded bool
		money   string
		text    string
	}{
		{n("72000"), "72000", false, "72,000", "72,000"},
		{n("1350"), "1350", false, "1,350", "1,350"},
		{n("0.125"), "0.13", true, "0.13", "0.125"}, // half up
		{n("0.124"), "0.12", true, "0.12", "0.124"},
		{n("-0.125"), "-0.13", true, "-0.13", "-0.125"}, // half away from zero
		{n("3000.15"), "3000.15", false, "3,000.15", "3,000.15"},
		{n("1234567.5"), "1234567.5", false, "1,234,567.50", "1,234,567.5"},
		{third, "0.33", true, "0.33", "约0.33"},
		{twoThirds, "0.67", true, "0.67", "约0.67"},
		{n("0.00001"), "0", true, "0", "约0.00"},
	} {
		r, rounded, err := tc.in.Round2()
		if err != nil || r.String() != tc.round || rounded != tc.rounded {
			t.Errorf("Round2(%s) = %s, %v, %v; want %s, %v", tc.in, r, rounded, err, tc.round, tc.rounded)
		}
		if got := moneyText(r); got != tc.money {
			t.Errorf("moneyText(%s) = %q, want %q", r, got, tc.money)
		}
		if got := tc.in.Text(); got != tc.text {
			t.Errorf("Text(%s) = %q, want %q", tc.in, got, tc.text)
		}
	}
}

func TestDates(t *testing.T) {
	for _, tc := range []struct {
		in   string
		ok   bool
		chin string
	}{
		{"2023-12-31", true, "2023年12月31日"}, {"2024-02-29", true, "2024年2月29日"},
		{"2023-02-29", false, ""}, {"1900-02-29", false, ""}, {"2000-02-29", true, "2000年2月29日"},
		{"2023-13-01", false, ""}, {"2023-1-01", false, ""}, {"2023/01/01", false, ""}, {"", false, ""},
		{"２０２３-01-01", false, ""},
	} {
		d := ParseDate(tc.in)
		if (d != 0) != tc.ok {
			t.Errorf("ParseDate(%q) = %v", tc.in, d)
			continue
		}
		if tc.ok && (d.String() != tc.in || d.Chinese() != tc.chin) {
			t.Errorf("date %q: %s %s", tc.in, d, d.Chinese())
		}
	}
}

// mustNumber is ParseNumber for constants in tests.
func mustNumber(s string) Rat {
	r, err := ParseNumber(s)
	if err != nil {
		panic("bad number " + s)
	}
	return r
}
