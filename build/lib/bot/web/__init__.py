"""The web server `complaintbot serve` runs: the ASGI app and every HTTP route.

`serve` starts uvicorn; `routes` assembles the app from the channels' webhooks, `ops` adds
health, readiness and metrics, `hosting` the accounts kept in the database, `stats_page` the
public statistics page. May import `bot.channels`, `bot.jobs` and `bot.ops`.
"""
