/**
 * Defaults of the structured config keys. Pulumi.yaml cannot give a structured key a
 * default that merges field by field (a stack's value replaces it whole), so fields left
 * out in a stack take these. Scalar keys have their defaults in Pulumi.yaml.
 */

export const POSTGRES_DEFAULTS = {
    image: "docker.io/library/postgres:15.10-alpine",
    storageSize: "10Gi",
    storageClass: "",
    resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1000m", memory: "1Gi" } },
    backup: {
        schedule: "0 2 * * *",
        retention: 7,
        storageSize: "20Gi",
        storageClass: "",
        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
    },
    restoreFrom: "",
} as const;
