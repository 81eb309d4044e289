package render

import (
	"html/template"
	"slices"
	"text/template/parse"
)

// fieldsRead returns the name of every field or method that the templates
// of a set reachable from roots (the templates a page executes, and those
// they call) read: in a field (.A.B), a chain ((x).A), or after a variable
// ($v.A). A field no name reaches cannot be shown, however the template
// prints the values around it, so a page's key need not cover data only
// such a field holds when its templates never name it (summaries.lists).
func fieldsRead(set *template.Template, roots ...string) map[string]bool {
	names := map[string]bool{}
	seen := map[string]bool{}
	roots = slices.Clone(roots) // a stack, below: not the caller's array
	for len(roots) > 0 {
		name := roots[len(roots)-1]
		roots = roots[:len(roots)-1]
		if seen[name] {
			continue
		}
		seen[name] = true
		if t := set.Lookup(name); t != nil && t.Tree != nil {
			called := map[string]bool{}
			readNode(t.Tree.Root, names, called)
			for c := range called {
				roots = append(roots, c)
			}
		}
	}
	return names
}

// readNode adds the fields n reads to names, and the templates it calls
// to called.
func readNode(n parse.Node, names, called map[string]bool) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			readNode(c, names, called)
		}
	case *parse.ActionNode:
		readNode(n.Pipe, names, called)
	case *parse.IfNode:
		readBranch(&n.BranchNode, names, called)
	case *parse.RangeNode:
		readBranch(&n.BranchNode, names, called)
	case *parse.WithNode:
		readBranch(&n.BranchNode, names, called)
	case *parse.TemplateNode:
		called[n.Name] = true
		readNode(n.Pipe, names, called)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			readNode(c, names, called)
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			readNode(a, names, called)
		}
	case *parse.FieldNode:
		for _, id := range n.Ident {
			names[id] = true
		}
	case *parse.ChainNode:
		readNode(n.Node, names, called)
		for _, id := range n.Field {
			names[id] = true
		}
	case *parse.VariableNode:
		for _, id := range n.Ident[1:] {
			names[id] = true
		}
	}
}

func readBranch(b *parse.BranchNode, names, called map[string]bool) {
	readNode(b.Pipe, names, called)
	readNode(b.List, names, called)
	readNode(b.ElseList, names, called)
}
