/** Minimal `--name value` parsing for the offline scripts, with errors that list what is allowed. */
export function parseArgs(argv: readonly string[], allowed: readonly string[]): Record<string, string> {
    const args: Record<string, string> = {};
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
        args[name] = value;
    }
    return args;
}
