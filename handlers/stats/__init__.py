"""The monthly complaint statistics: in the chat, for staff summaries, and as files.

Renderers (chart, workbook, CSV, web page, JSON) take the numbers from `storage.stats` and
the labels from `messages.stats`; they never query. `outputs` picks one by format name.
"""
