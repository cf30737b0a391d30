package pipeline

import (
	"fmt"
	"io"
	"strings"
)

// WriteText prints the DAG one instance per line in run order, with its inputs.
func (g *Graph) WriteText(w io.Writer) error {
	for _, n := range g.Nodes {
		line := fmt.Sprintf("%s (%s)", n.Name, n.Kind.Name())
		if len(n.Inputs) > 0 {
			parts := make([]string, len(n.Inputs))
			for i, in := range n.Inputs {
				parts[i] = fmt.Sprintf("%s <- %s.%s", in.Port, in.From.Name, in.FromPort)
			}
			line += "  " + strings.Join(parts, ", ")
		}
		if n.Plan != nil && len(n.Plan.Outputs) > 0 {
			line += "  -> " + strings.Join(n.Plan.Outputs, ", ")
		}
		if _, err := fmt.Fprintln(w, line); err != nil {
			return err
		}
	}
	return nil
}

// WriteDot prints the DAG in Graphviz dot.
func (g *Graph) WriteDot(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %q {\n  rankdir=LR;\n  node [shape=box];\n", g.Def.Name)
	for _, n := range g.Nodes {
		fmt.Fprintf(&b, "  %q [label=%q];\n", n.Name, n.Name+"\n("+n.Kind.Name()+")")
	}
	for _, n := range g.Nodes {
		for _, in := range n.Inputs {
			fmt.Fprintf(&b, "  %q -> %q [label=%q];\n", in.From.Name, n.Name, in.FromPort+" → "+in.Port)
		}
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteMermaid prints the DAG as a Mermaid flowchart.
func (g *Graph) WriteMermaid(w io.Writer) error {
	ids := map[*Node]string{}
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	for i, n := range g.Nodes {
		ids[n] = fmt.Sprintf("n%d", i)
		fmt.Fprintf(&b, "  %s[\"%s<br/>(%s)\"]\n", ids[n], mermaidEscape(n.Name), n.Kind.Name())
	}
	for _, n := range g.Nodes {
		for _, in := range n.Inputs {
			fmt.Fprintf(&b, "  %s -->|%s| %s\n", ids[in.From], mermaidEscape(in.FromPort+" → "+in.Port), ids[n])
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func mermaidEscape(s string) string {
	return strings.NewReplacer(`"`, "#quot;", "|", "#124;").Replace(s)
}
