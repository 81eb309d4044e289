// Command briefgen writes a deterministic synthetic brief project for
// benchmarks: briefgen -n 1000 DIR.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/brief-desk/brief/internal/gen"
)

func main() {
	n := flag.Int("n", 1000, "number of weekly briefings")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: briefgen [-n N] DIR")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	if err := gen.Write(flag.Arg(0), *n); err != nil {
		fmt.Fprintln(os.Stderr, "briefgen:", err)
		os.Exit(1)
	}
}
