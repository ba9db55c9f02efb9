"""The complaint statistics as staff and the public receive them: summaries and files.

Renderers (chart, workbook, CSV, web page, JSON) take the numbers from `storage.stats` and
the labels from `messages.stats`; they never query. `outputs` picks one by format name.
Imports no other room of `handlers`.
"""
