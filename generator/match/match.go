package match

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"io"
	"math"
	"math/big"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"policyguide/calculator"
)

// Formats of the register and of the output.
const (
	CSV   = "csv"
	JSONL = "jsonl"
)

// Options say what to match and where to write.
type Options struct {
	Program   *calculator.Program
	Mapping   *Mapping
	Input     io.Reader
	InputName string // shown in errors ("register.csv")
	InFormat  string // CSV or JSONL
	Output    io.Writer
	OutFormat string // CSV or JSONL
	Date      string // reference date YYYY-MM-DD; "" = the mapping's, else today
	Explain   bool   // add the calculation and each condition to the output
	BOM       bool   // start the output with a UTF-8 byte order mark (Excel)
	Workers   int    // 0 = one per core
	// Progress, when set, receives a progress line (rows/s, ETA) every
	// 200 ms; InputSize (bytes, 0 = unknown) gives the ETA.
	Progress  io.Writer
	InputSize int64
}

// batchSize rows travel together through the pipeline; inFlight batches per
// worker may be read ahead of the writer. Memory is bounded by
// batchSize × inFlight × workers rows.
const (
	batchSize = 256
	inFlight  = 4
	// MaxListedErrors is how many row errors the summary lists one by one;
	// all of them are in the output and counted in the summary.
	MaxListedErrors = 100
	maxLine         = 1 << 20 // longest JSON line read
)

// record is one row of the register as read.
type record struct {
	line   int               // file line where the row starts
	fields []string          // CSV
	raw    []byte            // JSON Lines: the line
	obj    *calculator.Value // JSON Lines: parsed object (first row only)
	err    string            // the row could not be read
}

type batch struct {
	seq  int
	recs []record
	out  []byte
	errs []RowError
	bad  int // rows with at least one error
	skip int // rows that could not be evaluated at all
}

// RulesHash identifies the rule set: "sha256:" and 16 hex digits of the
// SHA-256 of the rules as published in /data/rules.json (questions, params,
// brackets, benefits, exclusions) without the worked examples, which do not
// change any result and name content files by the path the generator was
// given. The same rules give the same hash wherever the command runs.
func RulesHash(p *calculator.Program) string {
	q := *p
	q.Examples = nil
	sum := sha256.Sum256(q.JSON())
	return "sha256:" + hex.EncodeToString(sum[:8])
}

// Run matches every row of the register and writes the output. It returns
// an error only when the run cannot go on (unreadable mapping columns,
// an I/O error); bad rows are reported in the output and the summary.
func Run(opt Options) (*Summary, error) {
	start := time.Now()
	p, m := opt.Program, opt.Mapping
	date := opt.Date
	if date == "" {
		date = m.Date
	}
	if date == "" && calculator.Today != nil {
		date = calculator.Today().String()
	}
	if calculator.ParseDate(date) == 0 {
		return nil, errors.New("bad reference date " + strconv.Quote(date) + ": use YYYY-MM-DD")
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	r := &runner{opt: opt, p: p, m: m, date: date, hash: RulesHash(p)}
	for _, b := range p.Benefits {
		if contains(b.Audience, m.Audience) {
			r.benefits = append(r.benefits, b)
		}
	}
	r.names = map[string]string{}
	for _, q := range p.Questions {
		r.names[q.ID] = q.Name()
	}
	r.colOf = map[string]*Column{}
	for i := range m.Columns {
		r.colOf[m.Columns[i].Question.ID] = &m.Columns[i]
	}

	// Open the register and check the mapping against its columns before
	// any row is evaluated.
	next, err := r.open()
	if err != nil {
		return nil, err
	}

	sum := newSummary(r)
	var head []byte
	if opt.BOM {
		head = append(head, 0xEF, 0xBB, 0xBF)
	}
	if opt.OutFormat == CSV {
		head = r.csvHeader(head)
	}
	w := bufio.NewWriterSize(opt.Output, 1<<16)
	var werr error
	write := func(b []byte) {
		if werr == nil {
			_, werr = w.Write(b)
		}
	}
	write(head)

	sem := make(chan struct{}, inFlight*workers)
	jobs := make(chan *batch, workers)
	results := make(chan *batch, inFlight*workers)
	var readErr error
	var rows, bytesRead atomic.Int64
	stop := make(chan struct{})
	var stopOnce sync.Once
	abort := func() { stopOnce.Do(func() { close(stop) }) }

	// Reader.
	go func() {
		defer close(jobs)
		seq := 0
		for {
			b := &batch{seq: seq, recs: make([]record, 0, batchSize)}
			var err error
			for len(b.recs) < batchSize {
				var rec record
				var ok bool
				rec, ok, err = next()
				if !ok {
					break
				}
				b.recs = append(b.recs, rec)
			}
			bytesRead.Store(r.offset())
			if len(b.recs) > 0 {
				select {
				case sem <- struct{}{}:
				case <-stop:
					return
				}
				jobs <- b
				seq++
			}
			if err != nil || len(b.recs) < batchSize {
				if err != nil && err != io.EOF {
					readErr = err
				}
				return
			}
		}
	}()

	// Workers.
	tallies := make([]*tally, workers)
	var wg sync.WaitGroup
	for i := range workers {
		t := newTally(len(r.benefits))
		tallies[i] = t
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf rowBuf
			for b := range jobs {
				r.process(b, t, &buf)
				results <- b
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()

	// Progress.
	progDone := make(chan struct{})
	if opt.Progress != nil {
		go r.progress(&rows, &bytesRead, start, progDone)
	}

	// Writer: in input order.
	pending := map[int]*batch{}
	want := 0
	for b := range results {
		pending[b.seq] = b
		for {
			x, ok := pending[want]
			if !ok {
				break
			}
			delete(pending, want)
			want++
			write(x.out)
			sum.add(x)
			rows.Add(int64(len(x.recs)))
			<-sem
			if werr != nil {
				abort()
			}
		}
	}
	if werr == nil {
		werr = w.Flush()
	}
	if opt.Progress != nil {
		progDone <- struct{}{}
		<-progDone
	}
	if readErr != nil {
		return nil, errors.New(opt.InputName + ": " + readErr.Error())
	}
	if werr != nil {
		return nil, errors.New("writing the output: " + werr.Error())
	}
	for _, t := range tallies {
		sum.merge(t)
	}
	sum.Elapsed = time.Since(start)
	return sum, nil
}

type runner struct {
	opt      Options
	p        *calculator.Program
	m        *Mapping
	date     string
	hash     string
	benefits []*calculator.Benefit
	colOf    map[string]*Column // question id → its column
	names    map[string]string  // question id → short name ("上年度裁减人数")
	offset   func() int64       // bytes of the register read so far
	header   int                // CSV: number of fields
}

// open prepares reading the register: the CSV header or the first JSON
// line binds the mapping's columns. It returns the function that reads the
// next row (ok false at the end).
func (r *runner) open() (func() (record, bool, error), error) {
	cr := &countReader{r: r.opt.Input}
	r.offset = func() int64 { return cr.n.Load() }
	br := bufio.NewReaderSize(cr, 1<<16)
	// A UTF-8 byte order mark (Excel's "CSV UTF-8") is not part of the data.
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
	name := r.opt.InputName
	if r.opt.InFormat == JSONL {
		line := 0
		readLine := func() ([]byte, int, error) {
			for {
				b, tooLong, err := readLineLimited(br)
				line++
				if tooLong {
					return nil, line, errTooLong
				}
				if len(bytes.TrimSpace(b)) == 0 { // blank lines are not rows
					if err != nil {
						return nil, line, err
					}
					continue
				}
				return b, line, nil
			}
		}
		first, firstLine, err := readLine()
		if err != nil && err != errTooLong {
			if err == io.EOF {
				return nil, errors.New(name + ": the register is empty")
			}
			return nil, err
		}
		v, perr := calculator.ParseJSON(first)
		if err == errTooLong || perr != nil || v.Kind != calculator.Object {
			return nil, errors.New(name + ":" + strconv.Itoa(firstLine) + ": the first line must be a JSON object (its keys are the columns the mapping names)")
		}
		var keys []string
		for _, mb := range v.Members {
			keys = append(keys, mb.Key)
		}
		if err := r.m.Bind(keys, name+" (first line)"); err != nil {
			return nil, err
		}
		pending := &record{line: firstLine, raw: first, obj: &v}
		return func() (record, bool, error) {
			if pending != nil {
				rec := *pending
				pending = nil
				return rec, true, nil
			}
			b, ln, err := readLine()
			switch {
			case err == errTooLong:
				return record{line: ln, err: "这一行超过1MB，不是一条记录"}, true, nil
			case err != nil:
				return record{}, false, err
			}
			return record{line: ln, raw: b}, true, nil
		}, nil
	}

	cs := csv.NewReader(br)
	cs.FieldsPerRecord = -1
	header, err := cs.Read()
	if err == io.EOF {
		return nil, errors.New(name + ": the register is empty (the first line must be the column headers)")
	}
	if err != nil {
		return nil, errors.New(name + ": the header line cannot be read: " + err.Error())
	}
	for _, h := range header {
		if !utf8.ValidString(h) {
			return nil, errors.New(name + ":1: the header is not UTF-8 (is the file in GBK? save it as \"CSV UTF-8\")")
		}
	}
	if err := r.m.Bind(header, name); err != nil {
		return nil, err
	}
	r.header = len(header)
	return func() (record, bool, error) {
		fields, err := cs.Read()
		if err == io.EOF {
			return record{}, false, io.EOF
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return record{line: pe.StartLine, err: "这一行不是有效的CSV：" + csvErr(pe.Err)}, true, nil
		}
		if err != nil {
			return record{}, false, err
		}
		line, _ := cs.FieldPos(0)
		rec := record{line: line, fields: fields}
		if len(fields) != r.header {
			rec.err = "这一行有" + strconv.Itoa(len(fields)) + "列，表头有" + strconv.Itoa(r.header) + "列"
		}
		return rec, true, nil
	}, nil
}

func csvErr(err error) string {
	switch err {
	case csv.ErrQuote, csv.ErrBareQuote:
		return "引号不配对（字段里的引号要写成两个引号\"\"）"
	}
	return err.Error()
}

var errTooLong = errors.New("line too long")

// readLineLimited reads one line (without its end), at most maxLine bytes;
// a longer line is consumed and reported.
func readLineLimited(br *bufio.Reader) ([]byte, bool, error) {
	var out []byte
	for {
		b, err := br.ReadSlice('\n')
		if len(out)+len(b) <= maxLine {
			out = append(out, b...)
		} else {
			out = out[:0]
			for err == bufio.ErrBufferFull {
				_, err = br.ReadSlice('\n')
			}
			return nil, true, nil
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF && len(out) > 0 {
			err = nil
		}
		return bytes.TrimRight(out, "\r\n"), false, err
	}
}

type countReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// RowError is a problem with one row: its line in the register and, for an
// answer, the column and the question it answers.
type RowError struct {
	Line     int
	Column   string
	Question string
	Message  string
}

// Text is "第17行 列“企业类型”：…", as written in the output.
func (e RowError) Text() string {
	s := "第" + strconv.Itoa(e.Line) + "行"
	if e.Column != "" {
		s += " 列“" + e.Column + "”"
	}
	return s + "：" + e.Message
}

// At is "register.csv:17: 列“企业类型”：…", as listed in the summary.
func (e RowError) At(file string) string {
	s := file + ":" + strconv.Itoa(e.Line) + ": "
	if e.Column != "" {
		s += "列“" + e.Column + "”："
	}
	return s + e.Message
}

// process converts, evaluates and formats a batch.
func (r *runner) process(b *batch, t *tally, buf *rowBuf) {
	out := make([]byte, 0, len(b.recs)*1024)
	for i := range b.recs {
		rec := &b.recs[i]
		res, errs, ok := r.row(rec, &buf.sc)
		if !ok {
			b.skip++
		}
		if len(errs) > 0 {
			b.bad++
			b.errs = append(b.errs, errs...)
		}
		if ok {
			t.add(r, res)
		}
		out = r.format(out, rec, res, errs, ok, buf)
	}
	b.out = out
}

// row evaluates one record.
func (r *runner) row(rec *record, sc *calculator.Scratch) (calculator.Result, []RowError, bool) {
	if rec.err != "" {
		return calculator.Result{}, []RowError{{Line: rec.line, Message: rec.err + "；本行未计算"}}, false
	}
	var obj calculator.Value
	if r.opt.InFormat == JSONL {
		if rec.obj != nil {
			obj = *rec.obj
		} else {
			v, err := calculator.ParseJSON(rec.raw)
			switch {
			case err != nil:
				return calculator.Result{}, []RowError{{Line: rec.line, Message: "不是有效的JSON：" + err.Error() + "；本行未计算"}}, false
			case v.Kind != calculator.Object:
				return calculator.Result{}, []RowError{{Line: rec.line, Message: "应为JSON对象（列名: 值）；本行未计算"}}, false
			}
			obj = v
			rec.obj = &obj
		}
	} else {
		for _, f := range rec.fields {
			if !utf8.ValidString(f) {
				return calculator.Result{}, []RowError{{Line: rec.line, Message: "这一行不是UTF-8编码（文件是GBK吗？请另存为“CSV UTF-8”）；本行未计算"}}, false
			}
		}
	}
	var errs []RowError
	answers := make([]calculator.Member, 0, len(r.m.Fixed)+len(r.m.Columns))
	answers = append(answers, r.m.Fixed...)
	for i := range r.m.Columns {
		c := &r.m.Columns[i]
		var v calculator.Value
		if r.opt.InFormat == JSONL {
			v, _ = obj.Get(c.Name)
		} else {
			v = calculator.Str(rec.fields[c.index])
		}
		a, ok, msg := c.cell(v)
		if msg != "" {
			errs = append(errs, RowError{Line: rec.line, Column: c.Name, Question: c.Question.ID, Message: msg})
		}
		if ok {
			answers = append(answers, calculator.Member{Key: c.Question.ID, Value: a})
		}
	}
	res := calculator.EvalWith(r.p, calculator.Input{Date: r.date, Audience: r.m.Audience, Answers: answers},
		calculator.Options{NoExplain: !r.opt.Explain, Scratch: sc})
	for _, e := range res.Errors {
		re := RowError{Line: rec.line, Question: e.Question, Message: e.Message}
		if c := r.colOf[e.Question]; c != nil {
			re.Column = c.Name
			if c.scale != nil {
				re.Message += "（本列按×" + c.scale.String() + "换算为" + c.Question.Unit + "）"
			}
		}
		errs = append(errs, re)
	}
	return res, errs, true
}

// keepText is the text of a kept column of a record.
func (r *runner) keepText(rec *record, c *Column) string {
	if r.opt.InFormat == JSONL {
		if rec.obj == nil { // the row could not be read
			return ""
		}
		v, _ := rec.obj.Get(c.Name)
		switch v.Kind {
		case calculator.String, calculator.Number:
			return v.Text
		case calculator.Bool:
			return strconv.FormatBool(v.Bool)
		case calculator.Null:
			return ""
		}
		return string(v.JSON())
	}
	if c.index < len(rec.fields) {
		f := rec.fields[c.index]
		if !utf8.ValidString(f) {
			return strings.ToValidUTF8(f, "\uFFFD")
		}
		return f
	}
	return ""
}

// tally counts results per benefit and status; each worker has its own.
type tally struct {
	n [][nStatus]stat
}

const nStatus = 5

var statuses = [nStatus]string{calculator.Eligible, calculator.Possible, calculator.Ineligible, calculator.Expired, calculator.NotYet}

func statusIndex(s string) int {
	for i, x := range statuses {
		if x == s {
			return i
		}
	}
	return -1
}

type stat struct {
	rows               int
	value, min, max    money
	withValue, withMax int // rows whose amount is known
	noAmount           int // rows whose amount cannot be computed yet
}

// money sums amounts exactly: in cents while they fit in an int64 (the
// engine rounds every amount to cents), in a big.Rat beyond.
type money struct {
	cents int64
	big   *big.Rat
}

func (m *money) add(dec string) {
	if c, ok := parseCents(dec); ok && c <= math.MaxInt64-m.cents {
		m.cents += c
		return
	}
	x, ok := new(big.Rat).SetString(dec)
	if !ok {
		return // not a decimal: the engine never writes one
	}
	if m.big == nil {
		m.big = new(big.Rat)
	}
	m.big.Add(m.big, x)
}

// rat is the exact total.
func (m *money) rat() *big.Rat {
	r := new(big.Rat).SetFrac64(m.cents, 100)
	if m.big != nil {
		r.Add(r, m.big)
	}
	return r
}

// parseCents reads "123", "123.4" or "123.45" as cents.
func parseCents(s string) (int64, bool) {
	var n int64
	frac := -1
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.' && frac < 0:
			frac = 0
		case c >= '0' && c <= '9' && frac < 2:
			if n > (math.MaxInt64-9)/10 {
				return 0, false
			}
			n = n*10 + int64(c-'0')
			if frac >= 0 {
				frac++
			}
		default:
			return 0, false
		}
	}
	if len(s) == 0 || frac == 0 {
		return 0, false
	}
	for k := max(frac, 0); k < 2; k++ {
		if n > math.MaxInt64/10 {
			return 0, false
		}
		n *= 10
	}
	return n, true
}

func newTally(n int) *tally { return &tally{n: make([][nStatus]stat, n)} }

func (t *tally) add(r *runner, res calculator.Result) {
	for i := range res.Results {
		br := &res.Results[i]
		k := r.benefitIndex(i, br.Benefit)
		si := statusIndex(br.Status)
		if k < 0 || si < 0 {
			continue
		}
		s := &t.n[k][si]
		s.rows++
		a := br.Amount
		if br.Status == calculator.Ineligible || br.StatusIfValid == calculator.Ineligible || a.Form == calculator.FormNone {
			continue // no amount to count
		}
		known := false
		if a.Value != "" {
			s.value.add(a.Value)
			s.withValue++
			known = true
		}
		if a.Min != "" {
			s.min.add(a.Min)
		}
		if a.Max != "" {
			s.max.add(a.Max)
			s.withMax++
			known = true
		}
		if !known {
			s.noAmount++
		}
	}
}

// benefitIndex finds a result's benefit among r.benefits (results come in
// the same order, so the first guess is right).
func (r *runner) benefitIndex(i int, id string) int {
	if i < len(r.benefits) && r.benefits[i].ID == id {
		return i
	}
	for k, b := range r.benefits {
		if b.ID == id {
			return k
		}
	}
	return -1
}
