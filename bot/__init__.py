"""The outer layer: chat channels, the command line, the web server and background jobs.

`app` wires settings into a ready core and `config` reads the environment. Everything here may
import `handlers`, `storage` and `messages`; nothing below imports `bot`.
"""
