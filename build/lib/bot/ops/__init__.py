"""Keeping a deployment healthy: `doctor` checks, logs that cannot hold an informant,
Prometheus metrics, readiness. Used by the CLI and the web server; imports no other room of `bot`.
"""
