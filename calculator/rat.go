package calculator

import (
	"errors"
	"math/bits"
	"strconv"
	"strings"
)

// Rat is an exact rational number num/den with den > 0 and gcd(num, den) = 1.
// Money is never a float: every operation is exact or fails with ErrOverflow,
// so a result is either right or absent, never silently wrong.
// The zero value is 0.
type Rat struct {
	num  int64
	den1 int64 // den - 1, so that the zero value Rat{} is 0/1
}

// ErrOverflow is returned when a number leaves the int64 range.
var ErrOverflow = errors.New("数值过大，无法精确计算")

// errNotNumber is returned by ParseNumber for malformed text.
var errNotNumber = errors.New("不是有效的数字")

// ErrDivZero is returned by Div for a zero divisor.
var ErrDivZero = errors.New("除数为零")

func (r Rat) den() int64 { return r.den1 + 1 }

// Int returns n as a Rat.
func Int(n int64) Rat { return Rat{num: n} }

// Num and Den return the normalised numerator and denominator.
func (r Rat) Num() int64 { return r.num }

// Den returns the denominator (always > 0).
func (r Rat) Den() int64 { return r.den() }

// IsInt reports whether r is a whole number.
func (r Rat) IsInt() bool { return r.den1 == 0 }

// Sign returns -1, 0 or 1.
func (r Rat) Sign() int {
	switch {
	case r.num < 0:
		return -1
	case r.num > 0:
		return 1
	}
	return 0
}

func gcd(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func abs64(a int64) uint64 {
	if a < 0 {
		return uint64(-(a + 1)) + 1 // works for MinInt64 too
	}
	return uint64(a)
}

// mk builds a normalised Rat from a sign and unsigned magnitudes.
func mk(neg bool, n, d uint64) (Rat, error) {
	if d == 0 {
		return Rat{}, ErrDivZero
	}
	if g := gcd(n, d); g > 1 {
		n, d = n/g, d/g
	}
	// Keep magnitudes within int64 so that negation is always safe.
	if n > 1<<63-1 || d > 1<<63-1 {
		return Rat{}, ErrOverflow
	}
	v := int64(n)
	if neg {
		v = -v
	}
	return Rat{num: v, den1: int64(d) - 1}, nil
}

// mul64 multiplies unsigned magnitudes, failing on overflow.
func mul64(a, b uint64) (uint64, error) {
	hi, lo := bits.Mul64(a, b)
	if hi != 0 {
		return 0, ErrOverflow
	}
	return lo, nil
}

// Mul returns r × s.
func (r Rat) Mul(s Rat) (Rat, error) {
	// Cross-reduce first so that products stay small.
	rn, rd, sn, sd := abs64(r.num), uint64(r.den()), abs64(s.num), uint64(s.den())
	if g := gcd(rn, sd); g > 1 {
		rn, sd = rn/g, sd/g
	}
	if g := gcd(sn, rd); g > 1 {
		sn, rd = sn/g, rd/g
	}
	n, err := mul64(rn, sn)
	if err != nil {
		return Rat{}, err
	}
	d, err := mul64(rd, sd)
	if err != nil {
		return Rat{}, err
	}
	return mk((r.num < 0) != (s.num < 0), n, d)
}

// Inv returns 1/r.
func (r Rat) Inv() (Rat, error) {
	if r.num == 0 {
		return Rat{}, ErrDivZero
	}
	return mk(r.num < 0, uint64(r.den()), abs64(r.num))
}

// Div returns r ÷ s.
func (r Rat) Div(s Rat) (Rat, error) {
	inv, err := s.Inv()
	if err != nil {
		return Rat{}, err
	}
	return r.Mul(inv)
}

// Neg returns -r.
func (r Rat) Neg() Rat { return Rat{num: -r.num, den1: r.den1} }

// Add returns r + s.
func (r Rat) Add(s Rat) (Rat, error) {
	rd, sd := uint64(r.den()), uint64(s.den())
	g := gcd(rd, sd)
	// r + s = (rn·(sd/g) + sn·(rd/g)) / (rd/g·sd)
	a, err := mul64(abs64(r.num), sd/g)
	if err != nil {
		return Rat{}, err
	}
	b, err := mul64(abs64(s.num), rd/g)
	if err != nil {
		return Rat{}, err
	}
	d, err := mul64(rd/g, sd)
	if err != nil {
		return Rat{}, err
	}
	rneg, sneg := r.num < 0, s.num < 0
	var n uint64
	neg := false
	switch {
	case rneg == sneg:
		var c uint64
		n, c = bits.Add64(a, b, 0)
		if c != 0 {
			return Rat{}, ErrOverflow
		}
		neg = rneg
	case a >= b:
		n, neg = a-b, rneg
	default:
		n, neg = b-a, sneg
	}
	return mk(neg && n != 0, n, d)
}

// Sub returns r − s.
func (r Rat) Sub(s Rat) (Rat, error) { return r.Add(s.Neg()) }

// Cmp returns -1, 0 or 1 as r <, =, > s. It cannot overflow: the cross
// products are compared in 128 bits.
func (r Rat) Cmp(s Rat) int {
	if rs, ss := r.Sign(), s.Sign(); rs != ss {
		if rs < ss {
			return -1
		}
		return 1
	}
	ah, al := bits.Mul64(abs64(r.num), uint64(s.den()))
	bh, bl := bits.Mul64(abs64(s.num), uint64(r.den()))
	c := 0
	switch {
	case ah < bh || ah == bh && al < bl:
		c = -1
	case ah > bh || ah == bh && al > bl:
		c = 1
	}
	if r.num < 0 {
		c = -c
	}
	return c
}

// Round2 rounds to 2 decimal places, half away from zero, and reports
// whether the value changed.
func (r Rat) Round2() (Rat, bool, error) {
	n, err := mul64(abs64(r.num), 200)
	if err != nil {
		return Rat{}, false, err
	}
	d := uint64(r.den())
	// floor((2·|num|·100 + den) / (2·den)) = round half up of |r|·100
	q, c := bits.Add64(n, d, 0)
	if c != 0 {
		return Rat{}, false, ErrOverflow
	}
	hi, lo := bits.Mul64(d, 2)
	if hi != 0 {
		return Rat{}, false, ErrOverflow
	}
	out, err := mk(r.num < 0, q/lo, 100)
	if err != nil {
		return Rat{}, false, err
	}
	return out, out != r, nil
}

// ParseNumber parses a plain decimal: optional '-', digits, optional
// fraction, optional exponent ("5.5", "0.055", "-3", "1e3"). Thousands
// separators, '+', spaces, hex and full-width digits are rejected on purpose:
// "1,000" might mean 1 or 1000 and we never guess.
func ParseNumber(s string) (Rat, error) {
	i := 0
	neg := false
	if i < len(s) && s[i] == '-' {
		neg = true
		i++
	}
	var n uint64
	var scale int // number of fraction digits
	digits := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		if n > (1<<63-1)/10 {
			return Rat{}, ErrOverflow
		}
		n = n*10 + uint64(s[i]-'0')
		digits++
	}
	if digits == 0 {
		return Rat{}, errNotNumber
	}
	if i < len(s) && s[i] == '.' {
		i++
		fd := 0
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			if n > (1<<63-1)/10 {
				return Rat{}, ErrOverflow
			}
			n = n*10 + uint64(s[i]-'0')
			fd++
		}
		if fd == 0 {
			return Rat{}, errNotNumber
		}
		scale = fd
	}
	exp := 0
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		eneg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			eneg = s[i] == '-'
			i++
		}
		ed := 0
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			if exp > 100 {
				return Rat{}, ErrOverflow
			}
			exp = exp*10 + int(s[i]-'0')
			ed++
		}
		if ed == 0 {
			return Rat{}, errNotNumber
		}
		if eneg {
			exp = -exp
		}
	}
	if i != len(s) {
		return Rat{}, errNotNumber
	}
	scale -= exp
	num, den := n, uint64(1)
	for ; scale > 0; scale-- {
		if den > (1<<63-1)/10 {
			return Rat{}, ErrOverflow
		}
		den *= 10
	}
	for ; scale < 0; scale++ {
		if num == 0 {
			break
		}
		if num > (1<<63-1)/10 {
			return Rat{}, ErrOverflow
		}
		num *= 10
	}
	return mk(neg && num != 0, num, den)
}

// decimalDigits returns the number of fraction digits needed to write r
// exactly, or -1 when r has no finite decimal expansion.
func (r Rat) decimalDigits() int {
	d := uint64(r.den())
	twos, fives := 0, 0
	for d%2 == 0 {
		d /= 2
		twos++
	}
	for d%5 == 0 {
		d /= 5
		fives++
	}
	if d != 1 {
		return -1
	}
	return max(twos, fives)
}

// String writes r as an exact decimal ("72000", "0.055") or, when it has no
// finite decimal expansion, as a fraction ("1/3").
func (r Rat) String() string {
	k := r.decimalDigits()
	if k < 0 {
		return strconv.FormatInt(r.num, 10) + "/" + strconv.FormatInt(r.den(), 10)
	}
	return r.fixed(k)
}

// fixed writes r with exactly k fraction digits; r must be exact at k digits
// or rounding is truncation toward zero (callers round first).
func (r Rat) fixed(k int) string {
	if k == 0 && r.den1 == 0 {
		return strconv.FormatInt(r.num, 10)
	}
	n := abs64(r.num)
	d := uint64(r.den())
	b := make([]byte, 0, 24+k)
	if r.num < 0 {
		b = append(b, '-')
	}
	b = strconv.AppendUint(b, n/d, 10)
	rem := n % d
	if k > 0 {
		b = append(b, '.')
		for range k {
			hi, lo := bits.Mul64(rem, 10)
			q, rr := bits.Div64(hi, lo, d)
			b = append(b, byte('0'+q))
			rem = rr
		}
	}
	return string(b)
}

// group inserts thousands separators into the integer part of a decimal.
func group(s string) string {
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	ip, fp := s, ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		ip, fp = s[:i], s[i:]
	}
	if len(ip) <= 3 {
		if neg {
			return "-" + s
		}
		return s
	}
	b := make([]byte, 0, len(s)+len(ip)/3+1)
	if neg {
		b = append(b, '-')
	}
	for i := range len(ip) {
		if i > 0 && (len(ip)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, ip[i])
	}
	b = append(b, fp...)
	return string(b)
}

// Text formats r for reading: thousands separators, exact when the decimal
// is short, otherwise rounded to 2 places and prefixed with "约".
func (r Rat) Text() string {
	k := r.decimalDigits()
	if k >= 0 && k <= 4 {
		return group(r.fixed(k))
	}
	q, _, err := r.Round2()
	if err != nil {
		return r.String()
	}
	return "约" + group(q.fixed(2))
}

// moneyText formats an already rounded amount: whole numbers without
// decimals, otherwise exactly two decimals ("1,350.50").
func moneyText(r Rat) string {
	if r.IsInt() {
		return group(r.fixed(0))
	}
	return group(r.fixed(2))
}
