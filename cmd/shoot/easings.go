package main

import (
	"fmt"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/fashionshoot/shoot/internal/media"
)

// newEasingsCmd is `shoot easings`: it lists the speed curves, or draws
// one as an SVG.
func newEasingsCmd(e *env) *cobra.Command {
	var asJSON bool
	var plot string
	cmd := &cobra.Command{Use: "easings", Short: "list the speed curves, or plot one as SVG", Args: noArgs}
	fs := cmd.Flags()
	bindJSON(fs, &asJSON, "the catalogue")
	fs.StringVar(&plot, "plot", "", "write the named curve (or a bezier x1,y1,x2,y2) to stdout as an SVG image")
	completeWords(cmd, "plot", media.Names()...)
	cmd.RunE = func(*cobra.Command, []string) error {
		switch {
		case plot != "" && asJSON:
			return usagef("--plot and --json do not combine")
		case plot != "":
			return plotEasing(e, plot)
		case asJSON:
			return writeJSON(e.stdout, media.Catalog())
		}
		return listEasings(e)
	}
	return cmd
}

// listEasings prints one curve per line: name, family, control points.
func listEasings(e *env) error {
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, c := range media.Catalog() {
		note := ""
		if c.Bezier != nil {
			note = fmt.Sprintf("cubic-bezier(%g, %g, %g, %g)", c.Bezier[0], c.Bezier[1], c.Bezier[2], c.Bezier[3])
		}
		if c.Name == media.DefaultEasing {
			note += "  (default)"
		}
		if note == "" {
			fmt.Fprintf(tw, "%s\t%s\n", c.Name, c.Family)
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", c.Name, c.Family, note)
	}
	return tw.Flush()
}

// plotEasing draws a named curve, or a bezier when the argument has commas.
func plotEasing(e *env, spec string) error {
	var ease media.Easing
	var err error
	if strings.Contains(spec, ",") {
		ease, err = chooseEasing("", spec)
	} else {
		ease, err = chooseEasing(spec, "")
	}
	if err != nil {
		return err
	}
	_, err = fmt.Fprint(e.stdout, easingSVG(spec, ease))
	return err
}

// SVG geometry: a square plot inside a margin, sampled finely enough that
// the elastic and bounce curves look smooth.
const (
	svgSize    = 480
	svgMargin  = 48
	svgSamples = 240
)

// easingSVG draws output progress (x, left to right) against source
// progress (y, bottom to top). The y range grows to show overshoot; dashed
// lines mark 0 and 1 on both axes.
func easingSVG(title string, ease media.Easing) string {
	pts := make([][2]float64, svgSamples+1)
	lo, hi := 0.0, 1.0
	for i := range pts {
		x := float64(i) / svgSamples
		y := ease(x)
		pts[i] = [2]float64{x, y}
		lo, hi = math.Min(lo, y), math.Max(hi, y)
	}
	inner := float64(svgSize - 2*svgMargin)
	px := func(x float64) float64 { return svgMargin + x*inner }
	py := func(y float64) float64 { return svgMargin + (hi-y)/(hi-lo)*inner }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">`+"\n",
		svgSize, svgSize, svgSize, svgSize)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="#0a0a0a"/>`+"\n")
	for _, v := range []float64{0, 1} {
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#555" stroke-dasharray="4 4"/>`+"\n",
			px(0), py(v), px(1), py(v))
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#555" stroke-dasharray="4 4"/>`+"\n",
			px(v), py(hi), px(v), py(lo))
	}
	var poly strings.Builder
	for i, p := range pts {
		if i > 0 {
			poly.WriteByte(' ')
		}
		fmt.Fprintf(&poly, "%.2f,%.2f", px(p[0]), py(p[1]))
	}
	fmt.Fprintf(&b, `<polyline fill="none" stroke="#d4af37" stroke-width="2" points="%s"/>`+"\n", poly.String())
	fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#f5f2ee" font-family="sans-serif" font-size="16">%s</text>`+"\n",
		svgMargin, svgMargin/2+6, xmlEscape(title))
	fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#999" font-family="sans-serif" font-size="12">output time →</text>`+"\n",
		svgSize/2-40, svgSize-svgMargin/3)
	b.WriteString("</svg>\n")
	return b.String()
}

// xmlEscape keeps a user-given title from breaking the SVG.
func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}
