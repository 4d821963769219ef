/**
 * Minimal `--name value` parsing for the offline scripts, with errors that list what is
 * allowed. `--set key=value` may repeat; the pairs come back under `set`.
 */
export function parseArgs(argv: readonly string[], allowed: readonly string[]): Record<string, string> & { set?: Record<string, string> } {
    const args: Record<string, string> & { set?: Record<string, string> } = {};
    for (let i = 0; i < argv.length; i += 2) {
        const flag = argv[i]!;
        const value = argv[i + 1];
        const name = flag.replace(/^--/, "");
        if (!flag.startsWith("--") || !allowed.includes(name)) {
            throw new Error(`unknown argument "${flag}"; allowed: ${allowed.map((a) => `--${a}`).join(", ")}`);
        }
        if (value === undefined || value.startsWith("--")) {
            throw new Error(`${flag} needs a value`);
        }
        if (name === "set") {
            const eq = value.indexOf("=");
            if (eq < 1) {
                throw new Error(`--set needs key=value, got "${value}"`);
            }
            args.set = { ...args.set, [value.slice(0, eq)]: value.slice(eq + 1) };
        } else {
            args[name] = value;
        }
    }
    return args;
}
