package arch

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/brief-desk/brief/"

// allowed lists, for every package of the module, the module's packages it
// may import: dependencies point down the data flow (docs/architecture.md).
var allowed = map[string][]string{
	"internal/diag":       nil,
	"internal/interrupt":  nil,
	"internal/atomicfile": nil,
	"internal/key":        nil,
	"internal/projectfs":  nil,
	"internal/tomlpos":    nil,
	"internal/golden":     nil,
	"internal/fixture":    nil,
	"internal/arch":       nil,
	"internal/gen":        nil,
	"internal/pdf":        nil,
	"templates":           nil,
	"internal/tomlval":    {"internal/diag"},
	"internal/dataset":    {"internal/diag", "internal/tomlpos", "internal/tomlval"},
	"internal/expr":       {"internal/diag", "internal/tomlval"},
	"internal/view":       {"internal/dataset", "internal/diag", "internal/expr", "internal/tomlval"},
	"internal/block":      {"internal/dataset", "internal/diag", "internal/expr", "internal/tomlpos", "internal/tomlval", "internal/view"},
	"internal/content":    {"internal/block", "internal/diag", "internal/expr", "internal/tomlpos", "internal/tomlval"},
	"internal/chart":      {"internal/dataset", "internal/view"},
	"internal/workbook":   {"internal/dataset", "internal/tomlval", "internal/view"},
	"internal/derive":     {"internal/dataset", "internal/diag", "internal/key", "internal/tomlval"},
	"internal/project":    {"internal/block", "internal/content", "internal/dataset", "internal/derive", "internal/expr", "internal/diag", "internal/key", "internal/projectfs", "internal/tomlpos", "internal/tomlval", "internal/view", "templates"},
	"internal/render":     {"internal/block", "internal/chart", "internal/content", "internal/expr", "internal/csvout", "internal/dataset", "internal/diag", "internal/key", "internal/pdf", "internal/project", "internal/search", "internal/view", "internal/workbook", "templates"},
	"internal/search":     nil,
	"internal/csvout":     {"internal/dataset", "internal/view"},
	"internal/publish":    nil,
	"internal/build":      {"internal/diag", "internal/key", "internal/project", "internal/projectfs", "internal/publish", "internal/render"},
	"internal/check":      {"internal/build", "internal/content", "internal/dataset", "internal/diag", "internal/expr", "internal/project", "internal/view"},
	"internal/preview":    {"internal/build", "internal/diag"},
	"internal/cli":        {"internal/atomicfile", "internal/interrupt", "internal/build", "internal/check", "internal/content", "internal/dataset", "internal/deployspec", "internal/diag", "internal/importer", "internal/mail", "internal/pdf", "internal/preview", "internal/project", "internal/projectfs", "internal/scaffold"},
	"internal/deploy":     {"internal/deployspec", "internal/publish"},
	"internal/deployspec": nil,
	"internal/mail":       {"internal/atomicfile", "internal/interrupt", "internal/diag", "internal/project", "internal/projectfs", "internal/render", "internal/tomlval"},
	"internal/importer":   {"internal/content", "internal/dataset", "internal/diag", "internal/tomlpos", "internal/tomlval"},
	"internal/scaffold":   {"internal/diag"},
	"internal/sitetest":   {"internal/build"},
	"cmd/brief":           {"internal/cli"},
	"cmd/briefgen":        {"internal/gen"},
	"cmd/brief-deploy":    {"internal/cli", "internal/deploy"},
}

// maxLines is the longest a function may be without saying why: its doc
// comment must then contain "(long: " and the reason.
const maxLines = 80

// TestArchitecture reads every non-test Go file of the module and checks
// its imports against allowed, and the length of its functions.
func TestArchitecture(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	seen := map[string]bool{}
	err = eachGoFile(root, func(pkg, path string) error {
		seen[pkg] = true
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		want, known := allowed[pkg]
		if !known {
			t.Errorf("%s: a package the architecture does not list; add it to allowed and to docs/architecture.md", pkg)
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if dep, ok := strings.CutPrefix(p, module); ok && known && !slices.Contains(want, dep) {
				t.Errorf("%s imports %s, against the architecture", fset.Position(imp.Pos()), dep)
			}
		}
		checkLengths(t, fset, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for pkg := range allowed {
		if !seen[pkg] {
			t.Errorf("allowed lists %s, which has no Go files", pkg)
		}
	}
}

// eachGoFile calls fn with every non-test Go file of the module under
// root and the slash path of its package's folder.
func eachGoFile(root string, fn func(pkg, path string) error) error {
	return filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		return fn(filepath.ToSlash(rel), path)
	})
}

// maxShare is the largest part of the module's non-test Go lines one
// package may hold: a package larger than that does more than one job.
const maxShare = 0.12

// TestPackageSize: no package holds more than maxShare of the lines of
// the module's non-test Go files.
func TestPackageSize(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	lines := map[string]int{}
	total := 0
	err = eachGoFile(root, func(pkg, path string) error {
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		n := bytes.Count(b, []byte("\n"))
		lines[pkg] += n
		total += n
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, pkg := range slices.Sorted(maps.Keys(lines)) {
		if n := lines[pkg]; float64(n) > maxShare*float64(total) {
			t.Errorf("%s has %d lines of non-test Go, %.1f%% of the module's %d (at most %.0f%%, %d lines): split it by job", pkg, n, 100*float64(n)/float64(total), total, 100*maxShare, int(maxShare*float64(total)))
		}
	}
}

// TestBuildKnowsNoModel: the package that runs the plan (build) knows
// nothing of briefings and datasets. It imports neither content nor
// dataset, and nothing it imports does, but for project and render, whose
// model it hands from one to the other without looking inside: go list
// gives the graph the compiler sees.
func TestBuildKnowsNoModel(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	out, err := exec.Command(goTool, "list", "-deps", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", module+"internal/build").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	imports := map[string][]string{}
	for line := range strings.Lines(string(out)) {
		fields := strings.Fields(line)
		imports[fields[0]] = fields[1:]
	}
	through := map[string]string{} // a package build depends on -> the path to it
	var visit func(pkg, path string)
	visit = func(pkg, path string) {
		for _, dep := range imports[pkg] {
			rel, ok := strings.CutPrefix(dep, module)
			if !ok || through[rel] != "" {
				continue
			}
			through[rel] = path + " -> " + rel
			if rel != "internal/project" && rel != "internal/render" {
				visit(dep, through[rel])
			}
		}
	}
	visit(module+"internal/build", "internal/build")
	for _, model := range []string{"internal/content", "internal/dataset"} {
		if p := through[model]; p != "" {
			t.Errorf("build depends on %s: %s; what knows briefings and datasets goes in project or check", model, p)
		}
	}
}

// TestDocumented: every package that allowed lists has a row in
// docs/architecture.md's table of packages, and every row names a package,
// so the table cannot drift from the tree.
func TestDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/architecture.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]bool{}
	for line := range strings.Lines(string(doc)) {
		first, _, ok := strings.Cut(strings.TrimPrefix(line, "| "), " |")
		if !ok || !strings.HasPrefix(line, "| `") {
			continue
		}
		for _, name := range strings.Split(first, ", ") {
			rows[strings.Trim(name, "`")] = true
		}
	}
	for pkg := range allowed {
		if !rows[pkg] {
			t.Errorf("%s has no row in docs/architecture.md's table of packages: say what it knows and does not know", pkg)
		}
	}
	for name := range rows {
		if _, ok := allowed[name]; !ok && (strings.HasPrefix(name, "internal/") || strings.HasPrefix(name, "cmd/")) {
			t.Errorf("docs/architecture.md's table has a row for %s, which is not a package of the module", name)
		}
	}
}

func checkLengths(t *testing.T, fset *token.FileSet, f *ast.File) {
	for _, decl := range f.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Body == nil {
			continue
		}
		start, end := fset.Position(fn.Pos()), fset.Position(fn.End())
		if n := end.Line - start.Line + 1; n > maxLines && !strings.Contains(fn.Doc.Text(), "(long: ") {
			t.Errorf("%s: %s is %d lines; split it, or say why it is long in its comment with \"(long: ...)\"", start, fn.Name.Name, n)
		}
	}
}

// TestBriefLinksNoStorageSDK: the brief program does not link the storage
// services' SDKs (about 60 MB of the binary and 45 ms of each start); only
// brief-deploy, which brief runs for a deploy, does.
func TestBriefLinksNoStorageSDK(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	sdks := []string{"gocloud.dev/", "cloud.google.com/", "github.com/aws/", "github.com/Azure/"}
	deps := func(cmd string) []string {
		out, err := exec.Command(goTool, "list", "-deps", module+cmd).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", cmd, err)
		}
		var found []string
		for line := range strings.Lines(string(out)) {
			for _, p := range sdks {
				if strings.HasPrefix(line, p) {
					found = append(found, strings.TrimSpace(line))
				}
			}
		}
		return found
	}
	if found := deps("cmd/brief"); len(found) > 0 {
		t.Errorf("cmd/brief links %d packages of the storage SDKs, such as %s: only cmd/brief-deploy may (through internal/deploy); the command line speaks of a deploy through internal/deployspec", len(found), found[0])
	}
	if found := deps("cmd/brief-deploy"); len(found) == 0 {
		t.Error("cmd/brief-deploy links no storage SDK: the test's list of them is out of date")
	}
}
