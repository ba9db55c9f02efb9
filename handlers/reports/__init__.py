"""Renderers of the statistics: numbers in, a file out (JSON, PNG, XLSX, CSV, HTML).

They take a `storage.stats.Report` and the Thai words of `messages.stats`, and never query.
"""
