package compile

import (
	"strings"
	"testing"
)

// Tests for issue 6 ("truth as a build invariant") on the fixture; the
// same facts of the real content are checked by the generator's tests.

// The check itself: a valid_until in another sentence than the amount is
// rejected, and so is a cite that does not state the date.
func TestValidUntilChecks(t *testing.T) {
	bad := strings.Replace(validRule, `unit = "元"`, `unit = "元"`+"\nvalid_until = 2023-12-31\nvalid_cite = \"参保企业\"", 1)
	if errs := strings.Join(compileRule(t, bad), "\n"); !strings.Contains(errs, "r.toml:12:") || !strings.Contains(errs, "没有写明日期 2023年12月31日") {
		t.Errorf("cite without the date not rejected at its key:\n%s", errs)
	}
	noCite := strings.Replace(validRule, `unit = "元"`, `unit = "元"`+"\nvalid_until = 2023-12-31", 1)
	if errs := strings.Join(compileRule(t, noCite), "\n"); !strings.Contains(errs, "valid_until 需要 valid_cite") {
		t.Errorf("valid_until without cite not rejected:\n%s", errs)
	}
}

// Item 2: no start date is invented: valid_from needs its own cite.
func TestValidFromNeedsCite(t *testing.T) {
	bad := strings.Replace(validRule, `unit = "元"`, `unit = "元"`+"\nvalid_from = 2023-10-27", 1)
	if errs := strings.Join(compileRule(t, bad), "\n"); !strings.Contains(errs, "valid_from 需要 valid_from_cite") {
		t.Errorf("valid_from without a cite not rejected:\n%s", errs)
	}
}
