/**
 * Config outside the project's namespace. The program reads only `<project>:*` keys and
 * configures its providers from them (`kubeContext`, `docker.host`), so a key under a
 * misspelt project name, or `kubernetes:context` in a stack file, does nothing while
 * looking as if it did.
 */

/** Namespaces whose keys the engine itself reads. */
const ENGINE_NAMESPACES = new Set(["pulumi"]);

/** Where the program takes each provider's settings from instead. */
const PROVIDER_KEYS: Readonly<Record<string, (project: string) => string>> = {
    kubernetes: (project) => `${project}:kubeContext (the kubeconfig context; the namespace comes from ${project}:namespace)`,
    docker: (project) => `${project}:docker.host`,
};

function editDistance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        let diagonal = row[0]!;
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const above = row[j]!;
            row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
            diagonal = above;
        }
    }
    return row[b.length]!;
}

/**
 * `refused`: keys that are certainly a mistake (the project's name misspelt). `doubtful`:
 * keys nothing reads, which production refuses and development warns about.
 */
export function foreignKeyProblems(keys: readonly string[], project: string): { refused: string[]; doubtful: string[] } {
    const refused: string[] = [];
    const doubtful: string[] = [];
    for (const full of keys) {
        const colon = full.indexOf(":");
        const namespace = full.slice(0, colon);
        const rest = full.slice(colon + 1);
        if (namespace === project || ENGINE_NAMESPACES.has(namespace)) continue;
        if (editDistance(namespace.toLowerCase(), project) <= 2) {
            refused.push(`${full}: "${namespace}" is not this project's namespace, so nothing reads it; did you mean ${project}:${rest}?`);
        } else if (PROVIDER_KEYS[namespace]) {
            doubtful.push(`${full}: this program's ${namespace} provider is configured explicitly and reads no ${namespace}:* config; use ${PROVIDER_KEYS[namespace]!(project)}`);
        } else {
            doubtful.push(`${full}: nothing in this program reads the "${namespace}" namespace; its keys are ${project}:*`);
        }
    }
    return { refused, doubtful };
}
