/**
 * Adding a label matcher to every metric selector of a PromQL expression, found by the
 * official PromQL grammar (@prometheus-io/lezer-promql, the parser of Prometheus' own UI)
 * rather than by scanning text: strings, durations, function names and grouping labels are
 * the parser's to tell apart.
 */
import { parser } from "@prometheus-io/lezer-promql";

interface Edit {
    readonly from: number;
    readonly to: number;
    readonly text: string;
}

/**
 * `rate(x[5m])` with `service="a"` becomes `rate(x{service="a"}[5m])`; existing matchers are
 * kept. An expression PromQL cannot parse is refused, naming where it stops making sense.
 */
export function withMatcher(expr: string, matcher: string): string {
    const tree = parser.parse(expr);
    let error: number | undefined;
    tree.iterate({
        enter(node) {
            if (node.type.isError) error ??= node.from;
        },
    });
    if (error !== undefined) {
        throw new Error(`not a PromQL expression: ${JSON.stringify(expr)} (at character ${error + 1}: ${JSON.stringify(expr.slice(error, error + 20))})`);
    }
    const edits: Edit[] = [];
    tree.iterate({
        enter(node) {
            if (node.name !== "VectorSelector") {
                return undefined;
            }
            const matchers = node.node.getChild("LabelMatchers");
            if (matchers) {
                // The braces' content, without the optional trailing comma PromQL allows.
                const inner = expr.slice(matchers.from + 1, matchers.to - 1).trim().replace(/,$/, "").trim();
                edits.push({ from: matchers.from, to: matchers.to, text: `{${inner ? `${inner},` : ""}${matcher}}` });
            } else {
                const name = node.node.getChild("Identifier")!;
                edits.push({ from: name.to, to: name.to, text: `{${matcher}}` });
            }
            return false;
        },
    });
    return edits.reduceRight((out, e) => out.slice(0, e.from) + e.text + out.slice(e.to), expr);
}
