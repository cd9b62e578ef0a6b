"""The ground layer: cross-cutting helpers every other package may use (logging with
correlation ids, safe YAML, what a database outage is, the Content-Security-Policy, the admin
base class). It imports no package of the product (docs/architecture.md, "Layers")."""
