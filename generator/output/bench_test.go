package output

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// benchSite is n pages, each with its .br and .gz copies (sizes like the
// synthetic 10,000-page site's), in a folder of its own.
func benchSite(n int) map[string][]byte {
	r := rand.New(rand.NewPCG(1, 2))
	blob := make([]byte, 8<<10)
	for i := range blob {
		blob[i] = byte('a' + r.IntN(26))
	}
	files := map[string][]byte{}
	for i := range n {
		p := fmt.Sprintf("measures/m%05d/index.html", i)
		files[p] = blob[i%1024 : i%1024+6700]
		files[p+".br"] = blob[i%512 : i%512+1500]
		files[p+".gz"] = blob[i%256 : i%256+2000]
	}
	return files
}

// BenchmarkWrite10k: 10,000 pages × 3 files over the previous output (both
// trees hold the site), and into an empty folder.
func BenchmarkWrite10k(b *testing.B) {
	files := benchSite(10000)
	b.Run("over-previous", func(b *testing.B) {
		out := filepath.Join(b.TempDir(), "public")
		for range 2 {
			if err := Write(out, files, Options{}); err != nil {
				b.Fatal(err)
			}
		}
		b.ResetTimer()
		defer cpuMetric(b)()
		for range b.N {
			p, err := Check(out, Options{})
			if err != nil {
				b.Fatal(err)
			}
			if err := p.Write(files, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("empty", func(b *testing.B) {
		parent := b.TempDir()
		defer cpuMetric(b)()
		for i := range b.N {
			out := filepath.Join(parent, fmt.Sprint(i), "public")
			if err := Write(out, files, Options{}); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			os.RemoveAll(filepath.Dir(out))
			b.StartTimer()
		}
	})
}

// cpuMetric reports the process's CPU time (user+system) per operation:
// on a shared machine it varies less than the wall time.
func cpuMetric(b *testing.B) func() {
	cpu := func() int64 {
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return ru.Utime.Nano() + ru.Stime.Nano()
	}
	start := cpu()
	return func() { b.ReportMetric(float64(cpu()-start)/float64(b.N)/1e6, "cpu-ms/op") }
}
