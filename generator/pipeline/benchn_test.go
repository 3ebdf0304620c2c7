package pipeline

import (
	"os"
	"strconv"
)

func init() {
	if n, err := strconv.Atoi(os.Getenv("POLICYGUIDE_BENCH_PAGES")); err == nil && n > 0 {
		benchN = n
	}
}
