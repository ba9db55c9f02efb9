"""The LINE channel: signed webhook, events, rendering within LINE's limits, rich menu."""
