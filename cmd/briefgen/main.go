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
	derived := flag.String("derived", "", `"query": every briefing quotes a derived dataset over 10,000 daily rows; "column": the same project quoting a column instead; "all": the query, with revised rows (every feature of the third round)`)
	entities := flag.Bool("entities", false, "a coverage list of 40 companies, two of them named in every briefing (not with -derived)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: briefgen [-n N] [-derived query|column|all | -entities] DIR")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	var err error
	switch *derived {
	case "":
		if *entities {
			err = gen.WriteWithEntities(flag.Arg(0), *n)
		} else {
			err = gen.Write(flag.Arg(0), *n)
		}
	case "query", "column":
		err = gen.WriteWithDerived(flag.Arg(0), *n, *derived == "query")
	case "all":
		err = gen.WriteAllFeatures(flag.Arg(0), *n)
	default:
		err = fmt.Errorf("-derived %q: use query, column or all", *derived)
	}
	if *entities && *derived != "" {
		err = fmt.Errorf("-entities with -derived: choose one")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "briefgen:", err)
		os.Exit(1)
	}
}
