package match

import (
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// Summary is what a run found: rows, errors, and per benefit and status the
// number of rows and the total amount.
type Summary struct {
	Input     string
	Date      string
	Rules     string
	Audience  string
	Rows      int // rows read (every row of the register, bad ones included)
	Evaluated int // rows evaluated (bad cells are treated as 不确定)
	NotRead   int // rows that could not be read, so not evaluated
	WithError int // rows with at least one error (unreadable rows included)
	Errors    []RowError
	// ErrorsByColumn counts errors per column ("" = the row as a whole).
	ErrorsByColumn map[string]int
	Benefits       []BenefitSummary
	Elapsed        time.Duration
}

// BenefitSummary counts one benefit's results.
type BenefitSummary struct {
	ID, Name, Form, Unit string
	Statuses             []StatusSummary // in the order 符合, 可能符合, 不符合, 已到期, 未生效
}

// StatusSummary counts the rows with one status of one benefit. Totals are
// exact decimals of the amounts that are known: Total for a fixed amount,
// TotalMin/TotalMax for a range, TotalMax for 最高 amounts and loans.
type StatusSummary struct {
	Status, Label             string
	Rows                      int
	Total, TotalMin, TotalMax string
	AmountUnknown             int // rows whose amount depends on an unanswered question
}

func newSummary(r *runner) *Summary {
	s := &Summary{Input: r.opt.InputName, Date: r.date, Rules: r.hash, Audience: r.m.Audience, ErrorsByColumn: map[string]int{}}
	for _, b := range r.benefits {
		bs := BenefitSummary{ID: b.ID, Name: b.Name, Form: b.Form, Unit: b.Unit}
		for _, st := range statuses {
			bs.Statuses = append(bs.Statuses, StatusSummary{Status: st, Label: statusLabel(st)})
		}
		s.Benefits = append(s.Benefits, bs)
	}
	return s
}

func (s *Summary) add(b *batch) {
	s.Rows += len(b.recs)
	s.Evaluated += len(b.recs) - b.skip
	s.NotRead += b.skip
	s.WithError += b.bad
	for _, e := range b.errs {
		s.ErrorsByColumn[e.Column]++
		if len(s.Errors) < MaxListedErrors {
			s.Errors = append(s.Errors, e)
		}
	}
}

// merge adds a worker's tally (at the end of the run).
func (s *Summary) merge(t *tally) {
	for k := range s.Benefits {
		for i := range s.Benefits[k].Statuses {
			st := &s.Benefits[k].Statuses[i]
			x := &t.n[k][i]
			st.Rows += x.rows
			st.AmountUnknown += x.noAmount
			st.Total = addText(st.Total, x.value.rat(), x.withValue > 0)
			st.TotalMin = addText(st.TotalMin, x.min.rat(), x.withMax > 0 && s.Benefits[k].Form == "range")
			st.TotalMax = addText(st.TotalMax, x.max.rat(), x.withMax > 0)
		}
	}
}

func addText(prev string, x *big.Rat, has bool) string {
	if !has {
		return prev
	}
	sum := new(big.Rat).Set(x)
	if prev != "" {
		p, _ := new(big.Rat).SetString(prev)
		sum.Add(sum, p)
	}
	return decText(sum)
}

// decText writes an exact decimal (sums of amounts rounded to cents).
func decText(r *big.Rat) string {
	if r.IsInt() {
		return r.Num().String()
	}
	s := r.FloatString(2)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

func statusLabel(s string) string {
	switch s {
	case "eligible":
		return "符合"
	case "possible":
		return "可能符合"
	case "ineligible":
		return "不符合"
	case "expired":
		return "已到期"
	case "not_yet":
		return "未生效"
	}
	return s
}

// WriteText writes the summary for people (stderr at the end of a run).
func (s *Summary) WriteText(w io.Writer) {
	fmt.Fprintf(w, "匹配完成：%s，%d行，用时%v（%s行/分钟）\n", s.Input, s.Rows, s.Elapsed.Round(time.Millisecond), group(int64(perMinute(s.Rows, s.Elapsed))))
	fmt.Fprintf(w, "对象 %s，参考日期 %s，规则版本 %s\n", s.Audience, s.Date, s.Rules)
	fmt.Fprintf(w, "已计算 %d行；无法读取（未计算）%d行；有错误的行 %d行\n", s.Evaluated, s.NotRead, s.WithError)
	for _, b := range s.Benefits {
		fmt.Fprintf(w, "\n%s（%s）\n", b.Name, b.ID)
		for _, st := range b.Statuses {
			if st.Rows == 0 {
				continue
			}
			fmt.Fprintf(w, "  %s%s %8d行", st.Label, strings.Repeat("　", 4-utf8.RuneCountInString(st.Label)), st.Rows)
			if st.Status != "ineligible" {
				switch {
				case st.Total != "":
					fmt.Fprintf(w, "  合计金额 %s%s", st.Total, b.Unit)
				case st.TotalMin != "":
					fmt.Fprintf(w, "  合计 %s–%s%s", st.TotalMin, st.TotalMax, b.Unit)
				case st.TotalMax != "":
					fmt.Fprintf(w, "  合计最高 %s%s", st.TotalMax, b.Unit)
				}
				if st.AmountUnknown > 0 {
					fmt.Fprintf(w, "（另有%d行金额暂无法计算）", st.AmountUnknown)
				}
			}
			fmt.Fprintln(w)
		}
	}
	if s.WithError > 0 {
		fmt.Fprintf(w, "\n错误（每一行的错误都写在输出的“错误”列/errors字段里，没有一行被跳过）：\n")
		var cols []string
		for c, n := range s.ErrorsByColumn {
			name := c
			if name == "" {
				name = "（整行）"
			}
			cols = append(cols, name+" "+strconv.Itoa(n)+"处")
		}
		sortStrings(cols)
		fmt.Fprintf(w, "  按列：%s\n", strings.Join(cols, "，"))
		for _, e := range s.Errors {
			fmt.Fprintf(w, "  %s\n", e.At(s.Input))
		}
		if n := s.totalErrors() - len(s.Errors); n > 0 {
			fmt.Fprintf(w, "  ……另有%d处错误，见输出\n", n)
		}
	}
}

func (s *Summary) totalErrors() int {
	n := 0
	for _, c := range s.ErrorsByColumn {
		n += c
	}
	return n
}

func perMinute(rows int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(rows) / d.Minutes()
}

func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

func sortStrings(a []string) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

// JSON writes the summary as JSON (--summary FILE).
func (s *Summary) JSON() []byte {
	b := []byte(`{"input":`)
	b = jstr(b, s.Input)
	b = append(b, `,"audience":`...)
	b = jstr(b, s.Audience)
	b = append(b, `,"date":"`+s.Date+`","rules":"`+s.Rules+`"`...)
	for _, kv := range [...]struct {
		k string
		v int
	}{{"rows", s.Rows}, {"evaluated", s.Evaluated}, {"not_read", s.NotRead}, {"rows_with_errors", s.WithError}} {
		b = append(b, `,"`+kv.k+`":`...)
		b = strconv.AppendInt(b, int64(kv.v), 10)
	}
	b = append(b, `,"errors_by_column":{`...)
	var cols []string
	for c := range s.ErrorsByColumn {
		cols = append(cols, c)
	}
	sortStrings(cols)
	for i, c := range cols {
		if i > 0 {
			b = append(b, ',')
		}
		b = jstr(b, c)
		b = append(b, ':')
		b = strconv.AppendInt(b, int64(s.ErrorsByColumn[c]), 10)
	}
	b = append(b, `},"errors":[`...)
	for i, e := range s.Errors {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"line":`...)
		b = strconv.AppendInt(b, int64(e.Line), 10)
		b = append(b, `,"column":`...)
		b = jstr(b, e.Column)
		b = append(b, `,"question":`...)
		b = jstr(b, e.Question)
		b = append(b, `,"message":`...)
		b = jstr(b, e.Message)
		b = append(b, '}')
	}
	b = append(b, `],"benefits":[`...)
	for i, bs := range s.Benefits {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"benefit":`...)
		b = jstr(b, bs.ID)
		b = append(b, `,"name":`...)
		b = jstr(b, bs.Name)
		b = append(b, `,"unit":`...)
		b = jstr(b, bs.Unit)
		b = append(b, `,"statuses":[`...)
		for j, st := range bs.Statuses {
			if j > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"status":"`+st.Status+`","label":`...)
			b = jstr(b, st.Label)
			b = append(b, `,"rows":`...)
			b = strconv.AppendInt(b, int64(st.Rows), 10)
			for _, kv := range [...][2]string{{"total", st.Total}, {"total_min", st.TotalMin}, {"total_max", st.TotalMax}} {
				if kv[1] != "" {
					b = append(b, `,"`+kv[0]+`":"`+kv[1]+`"`...)
				}
			}
			b = append(b, `,"amount_unknown":`...)
			b = strconv.AppendInt(b, int64(st.AmountUnknown), 10)
			b = append(b, '}')
		}
		b = append(b, "]}"...)
	}
	b = append(b, `],"elapsed_seconds":`...)
	b = strconv.AppendFloat(b, s.Elapsed.Seconds(), 'f', 3, 64)
	return append(b, "}\n"...)
}

// progress writes "\r12,345行  8,000行/秒  45%  剩余约0:12" until done.
func (r *runner) progress(rows, read *atomic.Int64, start time.Time, done chan struct{}) {
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	w := r.opt.Progress
	line := func() {
		n := rows.Load()
		el := time.Since(start)
		rate := float64(n) / max(el.Seconds(), 1e-9)
		s := fmt.Sprintf("\r%s行  %s行/秒", group(n), group(int64(rate)))
		if total := r.opt.InputSize; total > 0 {
			frac := float64(read.Load()) / float64(total)
			s += fmt.Sprintf("  已读%3.0f%%", 100*frac)
			if frac > 0.01 && frac < 1 {
				eta := time.Duration(float64(el) * (1 - frac) / frac).Round(time.Second)
				s += "  剩余约" + eta.String()
			}
		}
		fmt.Fprint(w, s+"   ")
	}
	for {
		select {
		case <-t.C:
			line()
		case <-done:
			line()
			fmt.Fprintln(w)
			done <- struct{}{}
			return
		}
	}
}
