package arch

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
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
	"internal/diag":      nil,
	"internal/interrupt": nil,
	"internal/key":       nil,
	"internal/projectfs": nil,
	"internal/tomlpos":   nil,
	"internal/golden":    nil,
	"internal/fixture":   nil,
	"internal/arch":      nil,
	"internal/gen":       nil,
	"templates":          nil,
	"internal/tomlval":   {"internal/diag"},
	"internal/dataset":   {"internal/diag", "internal/tomlpos", "internal/tomlval"},
	"internal/expr":      {"internal/diag", "internal/tomlval"},
	"internal/view":      {"internal/dataset", "internal/diag", "internal/expr", "internal/tomlval"},
	"internal/block":     {"internal/dataset", "internal/diag", "internal/expr", "internal/tomlpos", "internal/tomlval", "internal/view"},
	"internal/content":   {"internal/block", "internal/diag", "internal/expr", "internal/tomlpos", "internal/tomlval"},
	"internal/chart":     {"internal/dataset", "internal/view"},
	"internal/workbook":  {"internal/dataset", "internal/tomlval", "internal/view"},
	"internal/project":   {"internal/block", "internal/content", "internal/dataset", "internal/expr", "internal/diag", "internal/key", "internal/projectfs", "internal/tomlpos", "internal/tomlval", "internal/view", "templates"},
	"internal/render":    {"internal/block", "internal/chart", "internal/content", "internal/expr", "internal/csvout", "internal/dataset", "internal/diag", "internal/key", "internal/project", "internal/view", "internal/workbook", "templates"},
	"internal/csvout":    {"internal/dataset", "internal/view"},
	"internal/build":     {"internal/content", "internal/dataset", "internal/diag", "internal/key", "internal/project", "internal/render"},
	"internal/preview":   {"internal/build", "internal/diag"},
	"internal/cli":       {"internal/interrupt", "internal/build", "internal/content", "internal/dataset", "internal/diag", "internal/importer", "internal/mail", "internal/preview", "internal/scaffold"},
	"internal/mail":      {"internal/interrupt", "internal/diag", "internal/project", "internal/projectfs", "internal/render", "internal/tomlval"},
	"internal/importer":  {"internal/dataset", "internal/diag", "internal/tomlval"},
	"internal/scaffold":  {"internal/diag"},
	"internal/sitetest":  {"internal/build"},
	"cmd/brief":          {"internal/cli"},
	"cmd/briefgen":       {"internal/gen"},
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
	err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
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
		pkg := filepath.ToSlash(rel)
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
