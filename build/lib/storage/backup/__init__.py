"""Backups taken while the bot serves, the archive's layout, and restoring into a deployment."""
