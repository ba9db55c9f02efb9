"""The outer layer: chat channels, the command line, the web server and background jobs.

At the top, `app` wires settings into a ready core, `config` reads the environment and
`shared_links` signs links to files (LINE shows pictures only by URL). Everything here may
import `handlers`, `storage` and `messages`; nothing below imports `bot`.
"""
