// Command brsize prints the size in bytes of a file compressed the way the
// build compresses it (brotli, quality 11), for calculator/wasm/size.sh on
// machines without the brotli command.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/andybalholm/brotli"
)

type counter int64

func (c *counter) Write(p []byte) (int, error) { *c += counter(len(p)); return len(p), nil }

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: brsize FILE")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var n counter
	w := brotli.NewWriterLevel(&n, brotli.BestCompression)
	if _, err := io.Copy(w, f); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	w.Close()
	fmt.Println(int64(n))
}
